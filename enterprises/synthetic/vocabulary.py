"""Words the synthetic enterprises are made of: Lai Châu places, people and lines of business.

Names follow the patterns of real registrations ("Công ty TNHH Chè Hoàng Long Tam Đường",
"Hợp tác xã Thảo quả Mường Tè", "Hộ kinh doanh Lò Văn Chứ"), so search and sorting meet the
same spread of words, diacritics and name lengths as in production.
"""

# Districts, communes and wards of Lai Châu (before and after 1 July 2025).
PLACES = (
    "Lai Châu", "Tam Đường", "Than Uyên", "Tân Uyên", "Phong Thổ", "Sìn Hồ", "Mường Tè",
    "Nậm Nhùn", "Đoàn Kết", "Tân Phong", "Bình Lư", "Sin Suối Hồ", "Tả Lèng", "Bản Bo",
    "Khun Há", "Bum Tở", "Nậm Hàng", "Thu Lũm", "Pa Ủ", "Mù Cả", "Hua Bum", "Tà Tổng",
    "Bum Nưa", "Mường Mô", "Lê Lợi", "Pa Tần", "Hồng Thu", "Nậm Tăm", "Tủa Sín Chải",
    "Pu Sam Cáp", "Nậm Mạ", "Nậm Cuổi", "Sì Lở Lầu", "Dào San", "Khổng Lào", "Mường Khoa",
    "Nậm Sỏ", "Pắc Ta", "Mường Than", "Mường Kim", "Khoen On", "Ô Quy Hồ", "Sông Đà",
    "Tây Bắc", "Hoàng Liên", "Pu Ta Leng",
)  # fmt: skip

# Villages (bản) for addresses and cooperative groups.
VILLAGES = (
    "Bản Nà Ít", "Bản Lùng Thàng", "Bản Hon", "Bản Giang", "Bản Nà Khương", "Bản Thẳm",
    "Bản Sùng Phài", "Bản Hợp 1", "Bản Nậm Pắt", "Bản Phiêng Phát", "Bản Tả Chải", "Bản Sàng Ngài",
    "Bản Vàng Pheo", "Bản Cang", "Bản Mường", "Bản Nà Đon", "Bản Phiêng Tiên", "Bản Na Hưng",
    "Bản Pá Khôm", "Bản Lả Mường", "Bản Nà Sẳng", "Bản Huổi Luông", "Bản Ma Lù Thàng",
    "Tổ dân phố 5", "Tổ dân phố 12", "Tổ dân phố 21", "Tổ dân phố 26", "Khu 3", "Khu 7",
)  # fmt: skip

# Streets of the wards of Lai Châu city, for addresses with a house number.
STREETS = (
    "Trần Phú", "Lê Duẩn", "Võ Nguyên Giáp", "Nguyễn Chí Thanh", "Trường Chinh",
    "Điện Biên Phủ", "Hoàng Quốc Việt", "Lê Lợi", "Nguyễn Hữu Thọ", "Trần Hưng Đạo",
    "Lý Thường Kiệt", "Ngô Quyền", "Hoàng Văn Thụ", "Phan Đình Giót", "Tôn Đức Thắng",
    "Nguyễn Trãi", "Quyết Thắng", "Chu Văn An", "Lê Quý Đôn", "Bế Văn Đàn",
)  # fmt: skip
HOUSE_NUMBERS = 400

# Two of these make a trade name ("Hoàng Long", "Phú Thịnh"): about 2,500 pairs.
BRAND_SYLLABLES = (
    "An", "Bảo", "Bình", "Đại", "Đức", "Gia", "Hà", "Hải", "Hoàng", "Hồng", "Hưng", "Hùng",
    "Khánh", "Kim", "Lộc", "Long", "Minh", "Nam", "Ngọc", "Phát", "Phú", "Phúc", "Quang",
    "Sơn", "Tân", "Thái", "Thành", "Thắng", "Thịnh", "Tiến", "Toàn", "Trung", "Trường",
    "Tuấn", "Việt", "Vĩnh", "Xuân", "Yên", "Quốc", "Hòa", "Thiên", "Nhật", "Mạnh", "Cường",
    "Đông", "Bắc", "Hậu", "Ánh", "Dương", "Uyên",
)  # fmt: skip

# Lines of business and the VSIC 2018 divisions they fall under.
LINES = (
    ("Chè", ("01", "10", "46")),
    ("Nông nghiệp", ("01",)),
    ("Nông lâm nghiệp", ("01", "02")),
    ("Dược liệu", ("01", "21")),
    ("Sâm Lai Châu", ("01", "21")),
    ("Thảo quả", ("01", "46")),
    ("Mắc ca", ("01", "10")),
    ("Mật ong", ("01", "10")),
    ("Miến dong", ("10",)),
    ("Nông sản", ("10", "46")),
    ("Thực phẩm", ("10", "46")),
    ("Chăn nuôi", ("01",)),
    ("Thủy sản", ("03",)),
    ("Lâm sản", ("02", "16")),
    ("Chế biến gỗ", ("16", "31")),
    ("Thổ cẩm", ("13", "14")),
    ("Xây dựng", ("41", "42", "43")),
    ("Xây lắp điện", ("42", "43")),
    ("Thủy điện", ("35",)),
    ("Năng lượng", ("35",)),
    ("Khoáng sản", ("07", "08")),
    ("Vật liệu xây dựng", ("23", "46")),
    ("Cơ khí", ("25", "33")),
    ("Vận tải", ("49", "52")),
    ("Thương mại", ("46", "47")),
    ("Thương mại và Dịch vụ", ("46", "47")),
    ("Xăng dầu", ("47",)),
    ("Dược phẩm", ("21", "46", "47")),
    ("Du lịch", ("55", "79")),
    ("Khách sạn", ("55",)),
    ("Tư vấn xây dựng", ("71",)),
    ("Tư vấn và Đầu tư", ("70", "71")),
    ("Đầu tư và Phát triển", ("41", "68")),
    ("Công nghệ thông tin", ("62", "63")),
    ("Môi trường", ("38", "39")),
    ("Nước sạch", ("36",)),
    ("In", ("18",)),
    ("Quảng cáo", ("73",)),
)

# What cooperatives, groups, households and small workshops make or sell.
PRODUCTS = (
    ("Chè", ("01", "10")), ("Chè Shan tuyết", ("01", "10")), ("Thảo quả", ("01",)),
    ("Sâm", ("01",)), ("Mật ong", ("01",)), ("Miến dong", ("10",)), ("Gạo Séng Cù", ("01",)),
    ("Gạo nếp Tan", ("01",)), ("Mắc ca", ("01",)), ("Chuối", ("01",)), ("Rau an toàn", ("01",)),
    ("Cá nước lạnh", ("03",)), ("Dong riềng", ("01",)), ("Nấm", ("01",)), ("Rượu", ("11",)),
    ("Dệt thổ cẩm", ("13",)), ("Đồ gỗ", ("16", "31")), ("Chăn nuôi", ("01",)),
    ("Dược liệu", ("01",)), ("Thịt trâu gác bếp", ("10",)),
)  # fmt: skip

# Small shops of household businesses.
SHOPS = (
    ("Tạp hóa", ("47",)), ("Quán ăn", ("56",)), ("Sửa chữa xe máy", ("45",)),
    ("Vật liệu xây dựng", ("47",)), ("Nhà nghỉ", ("55",)), ("Vận tải", ("49",)),
    ("Điện máy", ("47",)), ("Cà phê", ("56",)), ("May đo", ("14",)), ("Hàn xì", ("25",)),
)  # fmt: skip

SURNAMES = (
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Đinh", "Trịnh", "Lương", "Hà", "Lò", "Tao", "Lường", "Giàng", "Sùng", "Vàng", "Thào", "Lý",
    "Chảo", "Tẩn", "Phàn", "Lù", "Pờ", "Chang", "Hờ", "Sần", "Tòng", "Quàng", "Điêu", "Cầm",
)  # fmt: skip
MIDDLE_NAMES = (
    "Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Ngọc", "Xuân", "Hữu", "Thu", "Kim", "A",
    "Seo", "Mý", "Sài", "Chà", "Văn", "Thị",
)  # fmt: skip
GIVEN_NAMES = (
    "An", "Anh", "Bình", "Chiến", "Cường", "Dung", "Dũng", "Giang", "Hà", "Hải", "Hạnh",
    "Hằng", "Hiền", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh",
    "Nam", "Ngọc", "Nhung", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thắng", "Thảo", "Thủy",
    "Trang", "Tú", "Tuấn", "Vân", "Yến", "Chứ", "Pao", "Sính", "Dì", "Páo", "Sử", "Chinh",
    "Thàng", "Pả", "Lử", "Mẩy", "Ín", "Khiêm", "Xuân",
)  # fmt: skip

# Tax offices' province prefixes used for synthetic codes, Lai Châu (62) first.
TAX_PREFIXES = ("62", "56", "54", "01", "03", "02", "04", "10", "51", "57")

# VSIC 2018 divisions that the lines above use, with their sections: the reference set created
# when no sector has been loaded yet.
FALLBACK_SECTIONS = (
    ("A", "Nông nghiệp, lâm nghiệp và thủy sản"),
    ("B", "Khai khoáng"),
    ("C", "Công nghiệp chế biến, chế tạo"),
    ("D", "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước và điều hòa không khí"),
    ("E", "Cung cấp nước; hoạt động quản lý và xử lý rác thải, nước thải"),
    ("F", "Xây dựng"),
    ("G", "Bán buôn và bán lẻ; sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác"),
    ("H", "Vận tải kho bãi"),
    ("I", "Dịch vụ lưu trú và ăn uống"),
    ("J", "Thông tin và truyền thông"),
    ("L", "Hoạt động kinh doanh bất động sản"),
    ("M", "Hoạt động chuyên môn, khoa học và công nghệ"),
    ("N", "Hoạt động hành chính và dịch vụ hỗ trợ"),
    ("S", "Hoạt động dịch vụ khác"),
)
FALLBACK_DIVISIONS = (
    ("01", "A", "Nông nghiệp và hoạt động dịch vụ có liên quan"),
    ("02", "A", "Lâm nghiệp và hoạt động dịch vụ có liên quan"),
    ("03", "A", "Khai thác, nuôi trồng thủy sản"),
    ("07", "B", "Khai thác quặng kim loại"),
    ("08", "B", "Khai khoáng khác"),
    ("10", "C", "Sản xuất, chế biến thực phẩm"),
    ("11", "C", "Sản xuất đồ uống"),
    ("13", "C", "Dệt"),
    ("14", "C", "Sản xuất trang phục"),
    ("16", "C", "Chế biến gỗ và sản xuất sản phẩm từ gỗ, tre, nứa"),
    ("18", "C", "In, sao chép bản ghi các loại"),
    ("21", "C", "Sản xuất thuốc, hóa dược và dược liệu"),
    ("23", "C", "Sản xuất sản phẩm từ khoáng phi kim loại khác"),
    ("25", "C", "Sản xuất sản phẩm từ kim loại đúc sẵn"),
    ("31", "C", "Sản xuất giường, tủ, bàn, ghế"),
    ("33", "C", "Sửa chữa, bảo dưỡng và lắp đặt máy móc và thiết bị"),
    ("35", "D", "Sản xuất và phân phối điện, khí đốt, nước nóng, hơi nước"),
    ("36", "E", "Khai thác, xử lý và cung cấp nước"),
    ("38", "E", "Hoạt động thu gom, xử lý và tiêu hủy rác thải; tái chế phế liệu"),
    ("39", "E", "Xử lý ô nhiễm và hoạt động quản lý chất thải khác"),
    ("41", "F", "Xây dựng nhà các loại"),
    ("42", "F", "Xây dựng công trình kỹ thuật dân dụng"),
    ("43", "F", "Hoạt động xây dựng chuyên dụng"),
    ("45", "G", "Bán, sửa chữa ô tô, mô tô, xe máy và xe có động cơ khác"),
    ("46", "G", "Bán buôn (trừ ô tô, mô tô, xe máy và xe có động cơ khác)"),
    ("47", "G", "Bán lẻ (trừ ô tô, mô tô, xe máy và xe có động cơ khác)"),
    ("49", "H", "Vận tải đường sắt, đường bộ và vận tải đường ống"),
    ("52", "H", "Kho bãi và các hoạt động hỗ trợ cho vận tải"),
    ("55", "I", "Dịch vụ lưu trú"),
    ("56", "I", "Dịch vụ ăn uống"),
    ("62", "J", "Lập trình máy vi tính, dịch vụ tư vấn và các hoạt động khác liên quan"),
    ("63", "J", "Hoạt động dịch vụ thông tin"),
    ("68", "L", "Hoạt động kinh doanh bất động sản"),
    ("70", "M", "Hoạt động của trụ sở văn phòng; hoạt động tư vấn quản lý"),
    ("71", "M", "Hoạt động kiến trúc; kiểm tra và phân tích kỹ thuật"),
    ("73", "M", "Quảng cáo và nghiên cứu thị trường"),
    ("79", "N", "Hoạt động của các đại lý du lịch, kinh doanh tua du lịch"),
    ("96", "S", "Hoạt động dịch vụ phục vụ cá nhân khác"),
)

# Lai Châu's districts until 30/06/2025 and a selection of its communes and wards from
# 01/07/2025: the reference set created when no unit has been loaded yet.
FALLBACK_DISTRICTS = (
    "Thành phố Lai Châu", "Huyện Tam Đường", "Huyện Mường Tè", "Huyện Sìn Hồ",
    "Huyện Phong Thổ", "Huyện Than Uyên", "Huyện Tân Uyên", "Huyện Nậm Nhùn",
)  # fmt: skip
FALLBACK_COMMUNES = (
    "Phường Đoàn Kết", "Phường Tân Phong", "Xã Bình Lư", "Xã Sin Suối Hồ", "Xã Tả Lèng",
    "Xã Bản Bo", "Xã Khun Há", "Xã Bum Tở", "Xã Nậm Hàng", "Xã Pa Ủ", "Xã Mường Tè",
    "Xã Hua Bum", "Xã Bum Nưa", "Xã Sìn Hồ", "Xã Pa Tần", "Xã Nậm Tăm", "Xã Phong Thổ",
    "Xã Sì Lở Lầu", "Xã Dào San", "Xã Than Uyên", "Xã Tân Uyên", "Xã Mường Khoa",
    "Xã Pắc Ta", "Xã Mường Than", "Xã Mường Kim", "Xã Khoen On", "Xã Lê Lợi", "Xã Nậm Cuổi",
)  # fmt: skip
