"""A generator of realistic policy-news text in Chinese, for the benchmark archive.

Written for this project from general policy vocabulary (no real issue's text): titles, paragraphs of
sentences of varied length, numbers as the print edition writes them ("11 月", "3.2 亿元", "12.5%"),
Latin terms (CCER, REITs), subheadings at two levels, 【地区】 paragraph markers and figure markers.
Everything comes from one ``random.Random`` so an archive is the same for the same seed.
"""

import datetime
import random

# Sections in print order, as the newsletter groups its articles, then places articles mention.
SECTIONS = ["区域", "上海", "广东", "浙江", "江苏", "北京", "山东", "四川"]
PLACES = [
    "天津",
    "重庆",
    "湖北",
    "湖南",
    "福建",
    "安徽",
    "河南",
    "河北",
    "陕西",
    "江西",
    "广西",
    "云南",
    "贵州",
    "辽宁",
    "吉林",
    "海南",
    "深圳",
    "广州",
    "杭州",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "青岛",
]
CITIES = {
    "上海": ["浦东新区", "临港新片区", "闵行区", "徐汇区"],
    "广东": ["深圳", "广州", "珠海", "佛山", "东莞"],
    "浙江": ["杭州", "宁波", "温州", "嘉兴", "湖州"],
    "江苏": ["苏州", "南京", "无锡", "常州"],
    "北京": ["海淀区", "朝阳区", "亦庄", "中关村"],
    "山东": ["青岛", "济南", "烟台", "潍坊"],
    "四川": ["成都", "绵阳", "宜宾", "德阳"],
}
TOPICS = [
    "碳市场",
    "碳汇",
    "绿色金融",
    "并购重组",
    "数据要素",
    "跨境数据",
    "低空经济",
    "新能源汽车",
    "氢能",
    "储能",
    "营商环境",
    "中小企业",
    "数字化转型",
    "即时零售",
    "县域经济",
    "乡村振兴",
    "养老服务",
    "社区治理",
    "城市更新",
    "公共资源交易",
    "科技金融",
    "知识产权",
    "对外开放",
    "自贸试验区",
    "跨境电商",
    "人工智能",
    "算力基础设施",
    "生物医药",
    "海洋经济",
    "文旅消费",
    "以旧换新",
    "设备更新",
    "人才引进",
    "职业教育",
    "医保改革",
    "住房保障",
    "物流",
    "农业保险",
    "水利建设",
    "生态补偿",
]
LATIN_TERMS = ["CCER", "REITs", "ESG", "AI", "GDP", "IPO", "QFLP", "5G", "PPP", "EOD", "CBD", "LNG"]
OUTLETS = [
    "经济日报",
    "人民日报",
    "新华社",
    "光明日报",
    "金融时报",
    "21世纪经济报道",
    "第一财经",
    "中国证券报",
    "证券时报",
    "上海证券报",
    "经济参考报",
    "中国经济时报",
    "国际商报",
    "南方日报",
    "浙江日报",
    "解放日报",
    "新京报",
    "界面新闻",
    "澎湃新闻",
    "中国能源报",
    "科技日报",
    "中国城市报",
]
EDITORS = ["林晓雯", "周志航", "陈思远", "刘雅琴", "黄子涵", "吴启明"]
COORDINATORS = ["王立群", "赵海燕", "孙明哲", "郑博文"]

ACTORS = [
    "市政府",
    "省政府办公厅",
    "发展改革委",
    "工业和信息化厅",
    "商务部门",
    "地方金融管理局",
    "市场监管局",
    "生态环境厅",
    "自然资源部门",
    "财政厅",
    "人社部门",
    "数据局",
    "科技厅",
    "住建部门",
    "交通运输厅",
]
VERBS = ["出台", "印发", "发布", "推出", "启动", "部署", "制定", "完善", "试点", "探索"]
DOCUMENTS = [
    "行动方案",
    "实施意见",
    "若干措施",
    "三年行动计划",
    "工作方案",
    "管理办法",
    "专项政策",
    "指导意见",
    "试点方案",
    "支持政策",
]
GOALS = [
    "提升服务效率",
    "降低企业成本",
    "扩大有效投资",
    "促进消费回升",
    "优化营商环境",
    "推动产业升级",
    "稳定市场预期",
    "增强创新能力",
    "畅通要素流动",
    "守住风险底线",
    "带动就业增长",
    "提高资源配置效率",
]
MEASURES = [
    "建立统一的信息平台",
    "简化审批流程",
    "设立专项资金",
    "开展分类监管",
    "推行“一网通办”",
    "实施包容审慎监管",
    "强化跨部门协同",
    "引入第三方评估",
    "加大财政贴息力度",
    "完善风险补偿机制",
    "建设公共服务中心",
    "推动数据共享互认",
    "打造示范应用场景",
    "培育龙头企业",
    "支持链主企业牵头",
]
OBSERVERS = ["业内人士认为", "专家指出", "有分析认为", "相关负责人表示", "受访企业表示", "研究机构测算"]
CONNECTIVES = ["与此同时", "此外", "值得注意的是", "从实践看", "总体来看", "下一步", "据了解", "记者了解到"]
UNITS = [("亿元", 1, 900), ("万吨", 1, 9000), ("家", 10, 3000), ("个", 3, 500), ("万人次", 1, 800), ("项", 2, 90)]
TITLE_PATTERNS = [
    "{place}{verb}{topic}{document}",
    "{topic}{trend} {place}{verb}{document}",
    "{place}推动{topic}高质量发展",
    "{month}月{topic}{trend}",
    "{place}{topic}试点企业突破{count}家",
    "多地加快布局{topic}",
    "支持{topic} {place}发布{document}",
    "{place}率先{verb}{topic}{document}",
    "{topic}改革进入深水区",
    "{place}以{topic}带动{goal}",
]
TRENDS = ["提速", "扩容", "升温", "激增", "回暖", "加速落地", "持续深化", "成效初显"]
CAPTIONS = [
    "{place}{topic}主要指标月度变化",
    "{topic}项目分布示意",
    "{month}月各地{topic}成交量对比",
    "{topic}发展历程",
]


class TextGenerator:
    def __init__(self, seed=20241219):
        self.rng = random.Random(seed)

    def pick(self, items):
        return self.rng.choice(items)

    def number(self):
        unit, low, high = self.pick(UNITS)
        value = self.rng.uniform(low, high)
        text = f"{value:.2f}" if self.rng.random() < 0.5 else str(int(value))
        return f"{text} {unit}"

    def percent(self):
        return f"{self.rng.uniform(0.5, 60):.1f}%"

    def month(self):
        return str(self.rng.randint(1, 12))

    def sentence(self, place, topic):
        """One sentence; lengths vary from a short clause to a long one with numbers."""
        r = self.rng.random()
        actor, measure, goal = self.pick(ACTORS), self.pick(MEASURES), self.pick(GOALS)
        if r < 0.18:
            return f"{place}{actor}近日{self.pick(VERBS)}《关于{topic}的{self.pick(DOCUMENTS)}》，提出{measure}、{self.pick(MEASURES)}等举措。"
        if r < 0.34:
            return f"今年前 {self.month()} 个月，{place}{topic}相关项目累计完成 {self.number()}，同比增长 {self.percent()}。"
        if r < 0.46:
            return f"{self.pick(OBSERVERS)}，{topic}的关键在于{goal}。"
        if r < 0.56:
            return f"{self.pick(CONNECTIVES)}，{place}将{measure}，力争到 {self.rng.randint(2025, 2030)} 年{goal}。"
        if r < 0.64:
            term = self.pick(LATIN_TERMS)
            return f"在 {term} 领域，{place}已落地 {self.rng.randint(2, 60)} 个项目，涉及金额 {self.number()}。"
        if r < 0.72:
            return f"{self.month()} 月，{place}{topic}{self.pick(TRENDS)}。"
        if r < 0.82:
            return (
                f"据{self.pick(ACTORS)}披露的数据，{self.month()} 月单月{topic}成交规模达到 {self.number()}，"
                f"占全国总量的 {self.percent()}，环比上月提高 {self.percent()}。"
            )
        if r < 0.9:
            return f"这标志着{place}在{topic}方面的探索从试点走向推广，也为其他地区提供了可复制的经验。"
        return f"下一步，{place}将围绕{topic}继续{measure}，并{self.pick(MEASURES)}，推动政策尽快见效。"

    def paragraph(self, place, topic, marker=None):
        text = "".join(self.sentence(place, topic) for _ in range(self.rng.randint(2, 6)))
        return f"【{marker}】{text}" if marker else text

    def title(self, place, topic):
        text = self.pick(TITLE_PATTERNS).format(
            place=place,
            verb=self.pick(VERBS),
            topic=topic,
            document=self.pick(DOCUMENTS),
            trend=self.pick(TRENDS),
            month=self.month(),
            count=self.rng.randint(2, 30) * 10,
            goal=self.pick(GOALS),
        )
        return text[:60]

    def subheading(self, place, topic):
        return self.pick(
            [
                f"{topic}{self.pick(TRENDS)}",
                f"{self.pick(MEASURES)} {self.pick(GOALS)}",
                f"{place}经验可复制",
                f"{topic}仍需破解三大难题",
                f"{self.pick(GOALS)}成为关键",
            ]
        )

    def caption(self, place, topic):
        return self.pick(CAPTIONS).format(place=place, topic=topic, month=self.month())

    def article(self, section, issue_date, *, with_figure=False):
        """A dict with title, body (Markdown), region tags, topics and sources for one article."""
        rng = self.rng
        place = section if section != "区域" else self.pick(["多地", "各地", "全国"])
        if section in CITIES and rng.random() < 0.4:
            place = self.pick(CITIES[section])
        topics = rng.sample(TOPICS, rng.randint(1, 3))
        topic = topics[0]
        region_tags = rng.sample(PLACES, rng.randint(0, 3)) if section == "区域" else []
        if section != "区域" and rng.random() < 0.3:
            region_tags = [self.pick(PLACES)]
        blocks = []
        for index in range(rng.randint(6, 10)):
            if index and rng.random() < 0.22:
                level = "##" if rng.random() < 0.7 else "###"
                blocks.append(f"{level} {self.subheading(place, topic)}")
            if region_tags and rng.random() < 0.35:
                blocks.append(self.paragraph(place, topic, marker=self.pick(region_tags)))
            else:
                blocks.append(self.paragraph(place, topic))
            if with_figure and index == 1:
                blocks.append("[[figure:1]]")
        if rng.random() < 0.15:
            blocks.append(f"**{self.pick(GOALS)}**\n\n" + self.paragraph(place, topic))
        sources = []
        for outlet in rng.sample(OUTLETS, rng.choices([1, 2, 3], weights=[6, 3, 1])[0]):
            sources.append((outlet, issue_date - datetime.timedelta(days=rng.randint(2, 12))))
        return {
            "title": self.title(place, topic),
            "body": "\n\n".join(blocks),
            "region_tags": region_tags,
            "topics": topics,
            "sources": sources,
            "caption": self.caption(place, topic) if with_figure else "",
        }

    def theme(self):
        return f"{self.pick(TOPICS)}与{self.pick(TOPICS)}"
