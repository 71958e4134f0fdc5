"""Demo data: an illustrative province (not any real province's records), its accounts, and
the system actor that loads what no demo account does."""

from __future__ import annotations

from types import SimpleNamespace

PROVINCE = {"code": "tinh-son-ha", "name": "Ủy ban nhân dân tỉnh Sơn Hà", "kind": "tinh"}
ORGANISER = {
    "code": "so-noi-vu",
    "name": "Sở Nội vụ tỉnh Sơn Hà",
    "short_name": "Sở Nội vụ",
    "kind": "so_nganh",
}

# (code, name, kind)
DEPARTMENTS: list[tuple[str, str, str]] = [
    ("so-noi-vu", "Sở Nội vụ", "so_nganh"),
    ("van-phong-ubnd", "Văn phòng UBND tỉnh", "so_nganh"),
    ("so-tai-chinh", "Sở Tài chính", "so_nganh"),
    ("so-tu-phap", "Sở Tư pháp", "so_nganh"),
    ("so-xay-dung", "Sở Xây dựng", "so_nganh"),
    ("so-cong-thuong", "Sở Công Thương", "so_nganh"),
    ("so-nong-nghiep-moi-truong", "Sở Nông nghiệp và Môi trường", "so_nganh"),
    ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo", "so_nganh"),
    ("so-y-te", "Sở Y tế", "so_nganh"),
    ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ", "so_nganh"),
    ("so-van-hoa-the-thao-du-lich", "Sở Văn hóa, Thể thao và Du lịch", "so_nganh"),
    ("so-dan-toc-ton-giao", "Sở Dân tộc và Tôn giáo", "so_nganh"),
    ("thanh-tra-tinh", "Thanh tra tỉnh", "so_nganh"),
    ("so-ngoai-vu", "Sở Ngoại vụ", "so_nganh"),
    ("ban-quan-ly-kkt", "Ban Quản lý Khu kinh tế tỉnh", "so_nganh"),
    ("cuc-thue", "Thuế tỉnh Sơn Hà", "co_quan_tw"),
    ("bhxh-tinh", "Bảo hiểm xã hội tỉnh Sơn Hà", "co_quan_tw"),
]

COMMUNES: list[tuple[str, str, str]] = [
    ("son-linh", "UBND xã Sơn Lĩnh", "xa"),
    ("son-thuy", "UBND xã Sơn Thủy", "xa"),
    ("dong-loc", "UBND xã Đồng Lộc", "xa"),
    ("duc-tho", "UBND xã Đức Thọ", "xa"),
    ("huong-khe", "UBND xã Hương Khê", "xa"),
    ("ky-anh", "UBND phường Kỳ Anh", "phuong"),
    ("thach-ha", "UBND xã Thạch Hà", "xa"),
    ("cam-xuyen", "UBND xã Cẩm Xuyên", "xa"),
    ("nghi-xuan", "UBND xã Nghi Xuân", "xa"),
    ("tien-dien", "UBND xã Tiên Điền", "xa"),
    ("thanh-sen", "UBND phường Thành Sen", "phuong"),
    ("tran-phu", "UBND phường Trần Phú", "phuong"),
    ("bac-hong-linh", "UBND phường Bắc Hồng Lĩnh", "phuong"),
    ("nam-hong-linh", "UBND phường Nam Hồng Lĩnh", "phuong"),
    ("vu-quang", "UBND xã Vũ Quang", "xa"),
    ("huong-son", "UBND xã Hương Sơn", "xa"),
    ("son-tay", "UBND xã Sơn Tây", "xa"),
    ("son-kim", "UBND xã Sơn Kim", "xa"),
    ("loc-ha", "UBND xã Lộc Hà", "xa"),
    ("mai-phu", "UBND xã Mai Phụ", "xa"),
    ("thien-cam", "UBND xã Thiên Cầm", "xa"),
    ("ky-xuan", "UBND xã Kỳ Xuân", "xa"),
    ("ky-hoa", "UBND xã Kỳ Hoa", "xa"),
    ("hoanh-son", "UBND phường Hoành Sơn", "phuong"),
    ("ha-linh", "UBND xã Hà Linh", "xa"),
    ("phuc-trach", "UBND xã Phúc Trạch", "xa"),
    ("can-loc", "UBND xã Can Lộc", "xa"),
    ("tung-loc", "UBND xã Tùng Lộc", "xa"),
    ("dao-son-ha", "UBND đặc khu Đảo Sơn Hà", "dac_khu"),
    ("xuan-lien", "UBND xã Xuân Liên", "xa"),
]

# Communes merged on 01/07/2025 into "son-linh" (shows successor links).
MERGED_INTO_SON_LINH: list[tuple[str, str]] = [
    ("son-linh-cu", "UBND xã Sơn Lĩnh (trước sắp xếp)"),
    ("son-hong-cu", "UBND xã Sơn Hồng (trước sắp xếp)"),
]

# The demo commune: its people have accounts, its work is assigned, its library has documents.
DEMO_UNIT = "son-linh"

DEMO_PASSWORD = "demo-parindex-2025"
# The organiser's officer runs the campaign; the commune's focal officer keeps its plan.
ORGANISER_USERNAME = "sonv.thuongtruc"
UNIT_FOCAL_USERNAME = "sonlinh.daumoi"

# Loading data is not a person's action: where no demo account may act, a system actor (admin
# rights, no account; audit entries then have no actor).
SYSTEM_ACTOR = SimpleNamespace(
    pk=None, is_authenticated=True, is_active=True, is_superuser=True, username="he-thong"
)

# (username, full name, position, role, unit code or None, title, signs on behalf)
ACCOUNTS: list[tuple[str, str, str, str, str | None, str, bool]] = [
    ("quantri", "Quản trị hệ thống", "Quản trị", "admin", None, "", False),
    (
        "sonv.thuongtruc",
        "Trần Thị Thu Hà",
        "Chuyên viên Phòng CCHC",
        "organiser",
        "so-noi-vu",
        "",
        False,
    ),
    ("chutich", "Lê Văn Quang", "Chủ tịch UBND tỉnh", "chairman", "so-noi-vu", "Chủ tịch", False),
    (
        "hoidong.thanhvien",
        "Phạm Minh Đức",
        "Phó Giám đốc Sở Tư pháp",
        "council",
        "so-noi-vu",
        "",
        False,
    ),
    (
        "sonlinh.chutich",
        "Nguyễn Văn Hùng",
        "Phó Chủ tịch UBND xã",
        "head",
        "son-linh",
        "Phó Chủ tịch",
        True,
    ),
    (
        "sonlinh.daumoi",
        "Hoàng Thị Lan",
        "Công chức Văn phòng - Thống kê",
        "focal",
        "son-linh",
        "",
        False,
    ),
    (
        "sonlinh.tuphap",
        "Đặng Văn Nam",
        "Công chức Tư pháp - Hộ tịch",
        "officer",
        "son-linh",
        "",
        False,
    ),
    (
        "sotuphap.thutruong",
        "Võ Thị Hồng",
        "Giám đốc Sở Tư pháp",
        "head",
        "so-tu-phap",
        "Giám đốc",
        False,
    ),
    (
        "theodoi",
        "Bùi Thanh Tâm",
        "Chuyên viên Văn phòng UBND tỉnh",
        "observer",
        "so-noi-vu",
        "",
        False,
    ),
]
