/// Names, places and trades of 二七区, as UTF-8 bytes ready to append. No entry contains a
/// comma, quote, newline, `&`, `<` or `>`.
enum Vocabulary {
    static func bytes(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
    static func split(_ text: String) -> [String] { text.split(separator: " ").map(String.init) }

    // MARK: People

    /// Common surnames, repeated roughly by frequency.
    static let surnames: [[UInt8]] = bytes(
        Array("王王王王李李李张张张刘刘陈陈杨杨赵赵黄周吴徐孙马马朱胡郭郭何高林罗郑梁谢宋唐许韩冯邓曹彭肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾夏付方白邹孟熊秦邱江尹薛闫段雷侯史陶贺顾毛郝龚邵万钱严武戴孔常牛申楚靳岳翟")
            .map(String.init)
    )
    static let rareSurnames: [[UInt8]] = bytes(["欧阳", "司马", "上官"])

    /// Given names by birth era (before 1960, 1960–1989, 1990–2009, from 2010) and gender.
    static let givenNames: [[[UInt8]]] = [
        split("建国 国庆 德福 长海 振华 玉林 保国 广田 志刚 春生 金山 树林 文明 福来 庆丰 学军 永祥 和平 铁柱 满仓 富贵 振山 德胜 明 国强 万福 长生 占魁"),
        split("秀英 桂兰 淑珍 玉兰 凤英 秀兰 桂英 翠花 素芳 玉珍 春梅 金凤 淑华 爱莲 秀珍 桂芝 巧云 月娥 玉霞 兰 凤兰 玉芝 素珍 秀荣"),
        split("伟 强 磊 军 勇 涛 斌 鹏 杰 超 志强 建华 海峰 卫东 红军 立新 晓东 永刚 俊杰 国栋 新民 文军 建军 振宇 明亮 少华 海涛 东升"),
        split("丽 静 敏 艳 娟 霞 芳 燕 红霞 海燕 丽娟 晓红 玉梅 春燕 彩霞 雪梅 丽萍 秀云 慧敏 金花 晓丽 红梅 爱华 丽华 素娟 艳玲"),
        split("浩 鑫 宇 博 帅 浩然 子豪 宇航 晨阳 俊豪 家乐 鹏飞 一鸣 明轩 志远 天宇 昊天 嘉豪 凯 旭东 文博 泽宇 振东 博文"),
        split("婷 倩 璐 雪 佳 欣怡 雨婷 梦瑶 佳琪 思琪 晓雪 可欣 雅琪 诗雨 梦洁 静怡 紫涵 媛媛 瑶 晓彤 佳慧 欣然 雨欣 梦婷"),
        split("子轩 浩宇 宇轩 梓睿 沐宸 一诺 俊熙 睿泽 皓轩 奕辰 明哲 锦程 子墨 思远 宇泽 铭 朗 煜祺 梓豪 景行 沐阳 承泽"),
        split("梓涵 一诺 欣怡 子涵 雨桐 梓萱 诗涵 可馨 语汐 若曦 依依 梦琪 思彤 沐晴 安琪 悦 琪 芊芊 语桐 诗琪 一然 若汐"),
    ].map(bytes)

    static func givenNameTable(birthYear: Int, male: Bool) -> Int {
        let era = birthYear < 1960 ? 0 : birthYear < 1990 ? 1 : birthYear < 2010 ? 2 : 3
        return era * 2 + (male ? 0 : 1)
    }

    static let mobilePrefixes: [[UInt8]] = bytes(split(
        "130 131 132 133 135 136 137 138 139 150 151 152 155 156 157 158 159 166 176 177 178 180 181 182 183 185 186 187 188 189 191 193 195 198 199"
    ))

    /// Address codes (first 6 digits) of IDs issued outside 二七区: 郑州's other districts and
    /// counties, other cities of 河南, and a few other provinces.
    static let otherBirthplaces = [
        "410102", "410104", "410105", "410122", "410181", "410184", "410182", "411302", "411081", "412702",
        "410381", "411422", "410922", "130102", "340104", "320102",
    ]

    /// Township codes of 户籍 outside 二七区 (valid, just not local); filtered by the catalogue.
    static let otherZhengzhouTownships = ["410102001", "410102005", "410104002", "410105003", "410105010", "410122100", "410181001"]
    static let otherProvinceTownships = ["411302001", "320102001", "410381100", "130102001", "340104002", "412702001"]
    /// 二七区 townships that are rural (镇、乡).
    static let ruralTownshipSuffixes = ["100", "200"]

    // MARK: Enterprises

    struct Trade {
        /// GB/T 4754-2017 section letter and two-digit division.
        let industry: String
        let suffixes: [[UInt8]]
        /// Revenue per employee, in 万元 per year.
        let revenuePerEmployee: ClosedRange<Int>
        let weight: Int
        /// Licences this trade typically holds besides 营业执照.
        let licences: [String]
    }

    static func trade(_ industry: String, _ suffixes: String, _ revenue: ClosedRange<Int>, _ weight: Int, _ licences: [String] = []) -> Trade {
        Trade(industry: industry, suffixes: bytes(split(suffixes)), revenuePerEmployee: revenue, weight: weight, licences: licences)
    }

    static let pollution = "排污许可证"
    static let safety = "安全生产许可证"
    static let food = "食品经营许可证"
    static let transport = "道路运输经营许可证"
    static let drugs = "药品经营许可证"
    static let building = "建筑业企业资质证书"
    static let medical = "医疗机构执业许可证"

    /// Weighted toward manufacturing, wholesale and retail, IT, construction, catering, research.
    static let trades: [Trade] = [
        trade("A01", "农业科技有限公司 生态农业有限公司 种植专业合作社", 10...40, 2),
        trade("A05", "农业服务有限公司", 10...30, 1),
        trade("C13", "粮油有限公司 面业有限公司 饲料有限公司", 80...200, 3, [pollution]),
        trade("C14", "食品有限公司 速冻食品有限公司 食品科技有限公司", 60...150, 4, [pollution]),
        trade("C15", "饮品有限公司 酒业有限公司", 60...150, 1, [pollution]),
        trade("C18", "服饰有限公司 制衣有限公司", 20...50, 3),
        trade("C23", "印务有限公司 彩印有限公司 包装印刷有限公司", 20...60, 2, [pollution]),
        trade("C26", "化工有限公司 涂料有限公司", 80...250, 1, [safety, pollution]),
        trade("C27", "药业有限公司 制药有限公司 生物医药有限公司", 60...180, 2, [drugs, pollution]),
        trade("C29", "塑业有限公司 橡塑制品有限公司", 30...90, 2, [pollution]),
        trade("C30", "建材有限公司 耐火材料有限公司 新型建材有限公司", 40...120, 3, [safety, pollution]),
        trade("C33", "金属制品有限公司 钢结构有限公司", 40...100, 3, [pollution]),
        trade("C34", "机械设备有限公司 重工有限公司 机械制造有限公司", 50...120, 4),
        trade("C35", "智能装备有限公司 专用设备有限公司 矿山机械有限公司", 50...120, 3),
        trade("C36", "汽车配件有限公司 汽车零部件有限公司", 60...150, 2),
        trade("C38", "电气有限公司 电缆有限公司 电力设备有限公司", 60...160, 3),
        trade("C39", "电子科技有限公司 智能科技有限公司 光电科技有限公司", 60...180, 3),
        trade("C40", "仪器仪表有限公司 测控技术有限公司", 40...100, 1),
        trade("D44", "热力有限公司 新能源有限公司", 100...300, 1, [safety]),
        trade("E47", "建设工程有限公司 建筑工程有限公司 建设集团有限公司", 40...120, 5, [building, safety]),
        trade("E48", "路桥工程有限公司 市政工程有限公司 水利工程有限公司", 40...120, 3, [building, safety]),
        trade("E49", "机电安装工程有限公司 消防工程有限公司", 30...80, 2, [building]),
        trade("E50", "装饰工程有限公司 装饰设计工程有限公司", 20...60, 4, [building]),
        trade("F51", "商贸有限公司 贸易有限公司 供应链管理有限公司 实业有限公司", 150...600, 12),
        trade("F52", "超市有限公司 百货有限公司 便利店有限公司 商行有限公司", 30...120, 9, [food]),
        trade("F52", "大药房有限公司 医药连锁有限公司", 30...120, 2, [drugs]),
        trade("G54", "物流有限公司 运输有限公司 汽车运输有限公司", 20...60, 3, [transport]),
        trade("G58", "货运代理有限公司 国际货运代理有限公司", 50...150, 1),
        trade("G59", "仓储有限公司 冷链物流有限公司", 20...60, 1),
        trade("H61", "酒店管理有限公司 宾馆有限公司", 8...25, 3, [food]),
        trade("H62", "餐饮管理有限公司 餐饮有限公司 食府有限公司", 8...25, 6, [food]),
        trade("I63", "通信技术有限公司 通信工程有限公司", 40...120, 2),
        trade("I64", "网络科技有限公司 互联网科技有限公司", 30...120, 3),
        trade("I65", "软件科技有限公司 信息技术有限公司 数据科技有限公司 软件有限公司", 25...80, 8),
        trade("J69", "融资担保有限公司 商业保理有限公司", 50...200, 1),
        trade("K70", "置业有限公司 房地产开发有限公司 物业服务有限公司", 50...300, 3),
        trade("L72", "企业管理咨询有限公司 人力资源服务有限公司 广告有限公司", 10...50, 4),
        trade("M73", "研究院有限公司 新材料研究院有限公司", 20...70, 2),
        trade("M74", "检测技术有限公司 工程设计有限公司 勘察设计有限公司", 20...70, 3),
        trade("M75", "科技发展有限公司 技术服务有限公司", 20...70, 3),
        trade("N77", "环保科技有限公司 环境工程有限公司", 30...90, 1, [pollution]),
        trade("O80", "家政服务有限公司", 5...20, 1),
        trade("O81", "汽车维修有限公司", 10...30, 1, [pollution]),
        trade("P83", "教育科技有限公司 职业技能培训学校有限公司", 10...40, 1),
        trade("Q84", "门诊部有限公司 医院有限公司 口腔诊所有限公司", 20...60, 1, [medical]),
        trade("R86", "文化传媒有限公司 影视文化有限公司", 15...50, 2),
        trade("R89", "体育文化有限公司 健身服务有限公司", 10...40, 1),
    ]

    /// 个体工商户: a trade and a name pattern (the owner's surname or full name, then the shop).
    struct Shop {
        let industry: String
        let byFullName: Bool
        let suffix: [UInt8]
        /// Yearly revenue in 万元.
        let revenue: ClosedRange<Int>
        let licences: [String]
    }

    static let shops: [Shop] = [
        Shop(industry: "H62", byFullName: false, suffix: Array("记烩面馆".utf8), revenue: 15...60, licences: [food]),
        Shop(industry: "H62", byFullName: false, suffix: Array("记胡辣汤馆".utf8), revenue: 10...40, licences: [food]),
        Shop(industry: "H62", byFullName: false, suffix: Array("家小吃店".utf8), revenue: 8...35, licences: [food]),
        Shop(industry: "F52", byFullName: false, suffix: Array("家便利店".utf8), revenue: 20...80, licences: [food]),
        Shop(industry: "F52", byFullName: true, suffix: Array("五金建材店".utf8), revenue: 20...90, licences: []),
        Shop(industry: "F52", byFullName: true, suffix: Array("水果店".utf8), revenue: 10...50, licences: [food]),
        Shop(industry: "F52", byFullName: true, suffix: Array("副食店".utf8), revenue: 10...50, licences: [food]),
        Shop(industry: "O80", byFullName: true, suffix: Array("理发店".utf8), revenue: 5...20, licences: []),
        Shop(industry: "O81", byFullName: true, suffix: Array("汽车修理部".utf8), revenue: 10...40, licences: []),
        Shop(industry: "F52", byFullName: true, suffix: Array("日用百货店".utf8), revenue: 10...45, licences: []),
    ]

    /// Characters of 字号 (trade names); two of them make one, e.g. 华信, 鼎盛.
    static let brandCharacters: [[UInt8]] = bytes(Array(
        "华信中原豫丰金鼎嵩岳德润恒达鑫源宏图博远天瑞祥锦程汇通正弘商都绿远航佳禾盛世利永泰启明凯越嘉和众诚万腾飞兴业福聚能创星辰同舟新智联卓海纳昊泽科思云帆数光银河凤凰百川毅铭合锐群宇诺亿"
    ).map(String.init))

    static let zhengzhou = Array("郑州".utf8)
    static let henan = Array("河南".utf8)
    static let areaCode = Array("0371-".utf8)
    static let erqiDistrict = Array("二七区".utf8)
    static let branchSuffix = Array("二七分公司".utf8)
}
