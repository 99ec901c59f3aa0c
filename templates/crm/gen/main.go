// Command gen writes the CRM template's sample data (templates/crm/sample)
// from a fixed seed, so the committed files are reproducible: run
// `go generate ./templates/` after changing it. The data is fictitious but
// shaped like a real team's: three regional teams, leads from every source,
// opportunities spread over every stage with a backdated stage history,
// follow-ups, and a few quotes, contracts and payments.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/formloom/formloom/engine/expr"
)

// Record is one sample record in the template format.
type Record struct {
	Key     string         `json:"key"`
	DaysAgo int            `json:"daysAgo"`
	Owner   string         `json:"owner,omitempty"`
	Values  map[string]any `json:"values"`
	Changes []Change       `json:"changes,omitempty"`
}

// Change is a later write of a sample record.
type Change struct {
	DaysAgo int            `json:"daysAgo"`
	Values  map[string]any `json:"values"`
}

// Member is a sample member.
type Member struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Email      string   `json:"email"`
	Roles      []string `json:"roles"`
	Department string   `json:"department"`
	Head       bool     `json:"head,omitempty"`
}

func ref(form, key string) map[string]any { return map[string]any{"$ref": form + "/" + key} }
func member(k string) map[string]any      { return map[string]any{"$member": k} }
func ago(n int) map[string]any            { return map[string]any{"$daysAgo": n} }
func ahead(n int) map[string]any          { return map[string]any{"$daysFromNow": n} }

// day is a date or time n days before (n > 0) or after (n < 0) the install.
func day(n int) map[string]any {
	if n < 0 {
		return ahead(-n)
	}
	return ago(n)
}

type team struct {
	region  string
	dept    string
	manager string
	reps    []string
}

var teams = []team{
	{"east", "华东销售部", "li", []string{"zhang", "liu", "huang"}},
	{"south", "华南销售部", "chen", []string{"zhou", "wu", "xu"}},
	{"north", "华北销售部", "zhao", []string{"sun", "ma"}},
}

var members = []Member{
	{"wang", "王建国", "wang.jianguo@example.com", []string{"sales_director"}, "销售中心", true},
	{"li", "李娜", "li.na@example.com", []string{"sales_manager"}, "华东销售部", true},
	{"chen", "陈刚", "chen.gang@example.com", []string{"sales_manager"}, "华南销售部", true},
	{"zhao", "赵敏", "zhao.min@example.com", []string{"sales_manager"}, "华北销售部", true},
	{"zhang", "张伟", "zhang.wei@example.com", []string{"sales"}, "华东销售部", false},
	{"liu", "刘洋", "liu.yang@example.com", []string{"sales"}, "华东销售部", false},
	{"huang", "黄磊", "huang.lei@example.com", []string{"sales"}, "华东销售部", false},
	{"zhou", "周婷", "zhou.ting@example.com", []string{"sales"}, "华南销售部", false},
	{"wu", "吴昊", "wu.hao@example.com", []string{"sales"}, "华南销售部", false},
	{"xu", "徐静", "xu.jing@example.com", []string{"sales"}, "华南销售部", false},
	{"sun", "孙鹏", "sun.peng@example.com", []string{"sales"}, "华北销售部", false},
	{"ma", "马丽", "ma.li@example.com", []string{"sales"}, "华北销售部", false},
	{"he", "何芳", "he.fang@example.com", []string{"finance"}, "财务部", true},
	{"lin", "林晓", "lin.xiao@example.com", []string{"crm_admin"}, "信息部", false},
}

var (
	cities = map[string][]string{
		"east":    {"上海", "杭州", "苏州", "南京", "宁波", "无锡", "合肥"},
		"south":   {"深圳", "广州", "东莞", "佛山", "厦门", "珠海"},
		"north":   {"北京", "天津", "济南", "青岛", "石家庄"},
		"west":    {"成都", "重庆", "昆明"},
		"central": {"武汉", "长沙", "郑州"},
	}
	regionCode = map[string]string{"上海": "310000", "杭州": "330100", "苏州": "320500", "南京": "320100", "宁波": "330200", "无锡": "320200",
		"合肥": "340100", "深圳": "440300", "广州": "440100", "东莞": "441900", "佛山": "440600", "厦门": "350200", "珠海": "440400",
		"北京": "110000", "天津": "120000", "济南": "370100", "青岛": "370200", "石家庄": "130100", "成都": "510100", "重庆": "500000",
		"昆明": "530100", "武汉": "420100", "长沙": "430100", "郑州": "410100"}
	words = []string{"华创", "恒信", "云帆", "星辰", "博远", "智联", "汇通", "鼎盛", "启明", "天衡", "瑞丰", "中科", "长风", "金桥", "蓝海",
		"新元", "卓越", "安泰", "精工", "海纳", "众合", "宏达", "明远", "睿思", "远景", "泰和", "凯瑞", "诚达", "万象", "融信"}
	industries = []string{"manufacturing", "internet", "finance", "retail", "healthcare", "education", "energy", "logistics"}
	suffix     = map[string][]string{
		"manufacturing": {"精密制造", "机械", "电子科技", "新材料"},
		"internet":      {"网络科技", "信息技术", "软件", "数据科技"},
		"finance":       {"融资租赁", "保险经纪", "投资管理"},
		"retail":        {"商贸", "连锁", "食品"},
		"healthcare":    {"医疗器械", "生物科技", "健康管理"},
		"education":     {"教育科技", "培训"},
		"energy":        {"新能源", "化工", "环保科技"},
		"logistics":     {"物流", "供应链", "运输"},
	}
	surnames  = []string{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹"}
	given     = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "晨", "思远", "雨桐", "子涵", "浩然", "欣怡"}
	titles    = []string{"总经理", "副总经理", "IT 总监", "信息部经理", "采购经理", "运营总监", "财务总监", "技术负责人", "项目经理", "CIO"}
	sources   = []string{"website", "landing", "exhibition", "referral", "ads", "cold_call", "partner", "import"}
	projects  = []string{"ERP 升级", "CRM 实施", "数据中台", "私有云建设", "供应链协同", "智能客服", "BI 报表", "移动办公", "安全合规", "MES 系统", "电子签约", "费控平台"}
	comps     = []string{"用友", "金蝶", "Salesforce", "纷享销客", "销售易", "钉钉", "SAP", "自研"}
	followUps = []string{"电话沟通了项目进展，客户关注上线周期", "上门拜访，与信息部经理确认了需求范围", "微信发送了产品资料和案例", "邮件确认了下周演示的时间",
		"组织线上会议讲解方案，客户提出权限方面的问题", "完成产品演示，客户对报表功能比较满意", "与采购沟通了报价结构和付款方式", "客户反馈预算需要下季度才能确定",
		"介绍了同行业成功案例，客户有兴趣参观", "技术交流，回答了接口与数据迁移的问题", "客户内部在比较竞品，约定下周再沟通", "确认了决策流程：部门评估后总经理拍板"}
	nextSteps = []string{"发送正式方案", "预约产品演示", "提交报价", "安排技术交流", "跟进合同条款", "约见决策人", "准备 POC 环境", "确认采购时间"}
)

type gen struct {
	r       *rand.Rand
	phones  map[string]bool
	emails  map[string]bool
	usccs   map[string]bool
	names   map[string]bool
	oppName map[string]bool
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }
func (g *gen) between(lo, hi int) int    { return lo + g.r.IntN(hi-lo+1) }
func (g *gen) chance(p float64) bool     { return g.r.Float64() < p }

func (g *gen) person() string { return g.pick(surnames) + g.pick(given) }

func (g *gen) phone() string {
	for {
		p := fmt.Sprintf("1%d%d%08d", []int{3, 5, 8}[g.r.IntN(3)], g.r.IntN(10), g.r.IntN(100000000))
		if !g.phones[p] {
			g.phones[p] = true
			return p
		}
	}
}

func (g *gen) email(domain string) string {
	for {
		e := fmt.Sprintf("%s%d@%s", []string{"contact", "sales", "it", "purchase", "info", "service"}[g.r.IntN(6)], g.r.IntN(900)+100, domain)
		if !g.emails[e] {
			g.emails[e] = true
			return e
		}
	}
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func (g *gen) uscc(city string) string {
	for {
		var b strings.Builder
		b.WriteString("91")
		b.WriteString(regionCode[city])
		for i := 0; i < 9; i++ {
			b.WriteByte(usccAlphabet[g.r.IntN(len(usccAlphabet))])
		}
		s := b.String()
		s += string(expr.USCCCheckChar(s))
		if !expr.USCCValid(s) {
			log.Fatalf("generated USCC %s does not validate", s)
		}
		if !g.usccs[s] {
			g.usccs[s] = true
			return s
		}
	}
}

// company is a unique company name in city for industry.
type company struct {
	name, short, city, region, industry, uscc, domain string
}

func (g *gen) company(region string) company {
	for {
		city := g.pick(cities[region])
		ind := g.pick(industries)
		w := g.pick(words)
		name := city + w + g.pick(suffix[ind]) + "有限公司"
		if g.names[name] {
			continue
		}
		g.names[name] = true
		return company{name: name, short: w, city: city, region: region, industry: ind, uscc: g.uscc(city),
			domain: fmt.Sprintf("%s%d.example.com", strings.ToLower(regionCode[city][:3]), len(g.names))}
	}
}

// score mirrors the lead form's score formula, so the sample tags agree
// with what the automations would set.
func score(source string, budget float64, authority, need, timeline string) int {
	s := 8
	switch source {
	case "referral":
		s = 20
	case "exhibition", "partner":
		s = 15
	case "website", "landing":
		s = 12
	}
	switch {
	case budget >= 1000000:
		s += 25
	case budget >= 300000:
		s += 18
	case budget >= 50000:
		s += 10
	}
	s += map[string]int{"decision_maker": 20, "influencer": 12, "user": 6}[authority]
	s += map[string]int{"clear": 20, "general": 10}[need]
	s += map[string]int{"m3": 15, "m6": 10, "y1": 5}[timeline]
	return s
}

func teamOf(region string) team {
	for _, t := range teams {
		if t.region == region {
			return t
		}
	}
	// West and central China are covered by the east and south teams.
	if region == "west" {
		return teams[1]
	}
	return teams[0]
}

type customerRec struct {
	key      string
	co       company
	owner    string
	contacts []string
	decision string
	leadKey  string
}

func main() {
	out := flag.String("out", "crm/sample", "directory to write the sample files to")
	flag.Parse()
	counts, err := generate(*out)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("sample: %s", counts)
}

// generate writes the sample files into out and describes what it wrote.
func generate(out string) (string, error) {
	g := &gen{r: rand.New(rand.NewPCG(20261204, 17)), phones: map[string]bool{}, emails: map[string]bool{}, usccs: map[string]bool{},
		names: map[string]bool{}, oppName: map[string]bool{}}
	regions := []string{"east", "east", "east", "south", "south", "north", "north", "west", "central"}

	// Products.
	type product struct {
		key, code, name, category, unit string
		price, cost                     float64
	}
	products := []product{
		{"p01", "CRM-STD", "销售云 标准版（年）", "subscription", "用户", 1200, 300},
		{"p02", "CRM-ENT", "销售云 企业版（年）", "subscription", "用户", 2400, 500},
		{"p03", "ERP-BASE", "ERP 基础模块", "software", "套", 180000, 40000},
		{"p04", "ERP-MFG", "ERP 生产制造模块", "software", "套", 260000, 60000},
		{"p05", "BI-PRO", "BI 分析平台", "software", "套", 120000, 25000},
		{"p06", "DATA-HUB", "数据中台", "software", "套", 480000, 120000},
		{"p07", "SRV-IMPL", "实施服务", "service", "人天", 2500, 1200},
		{"p08", "SRV-TRAIN", "培训服务", "service", "人天", 3000, 1000},
		{"p09", "SRV-SUPPORT", "年度运维服务", "service", "年", 60000, 20000},
		{"p10", "HW-SERVER", "一体化服务器", "hardware", "台", 85000, 62000},
		{"p11", "HW-GW", "安全网关", "hardware", "台", 36000, 24000},
		{"p12", "MOBILE", "移动办公套件（年）", "subscription", "用户", 360, 80},
	}
	var productRecs []Record
	for _, p := range products {
		productRecs = append(productRecs, Record{Key: p.key, DaysAgo: 150, Values: map[string]any{
			"code": p.code, "name": p.name, "category": p.category, "unit": p.unit, "list_price": p.price, "cost": p.cost, "status": "on"}})
	}

	// Customers (70), each owned by a rep of its region's team.
	var customers []*customerRec
	var customerRecs []Record
	for i := 1; i <= 70; i++ {
		region := regions[g.r.IntN(len(regions))]
		co := g.company(region)
		t := teamOf(region)
		c := &customerRec{key: fmt.Sprintf("cus-%03d", i), co: co, owner: g.pick(t.reps)}
		customers = append(customers, c)
		created := g.between(60, 140)
		// Last contact: most within the week, some silent for 7, 14 or 30+ days.
		var silent int
		switch x := g.r.Float64(); {
		case x < 0.62:
			silent = g.between(0, 6)
		case x < 0.80:
			silent = g.between(8, 13)
		case x < 0.90:
			silent = g.between(15, 28)
		default:
			silent = g.between(32, 55)
		}
		if silent > created {
			silent = created
		}
		level := []string{"key", "normal", "normal", "potential"}[g.r.IntN(4)]
		status := "potential"
		if g.chance(0.55) {
			status = "active"
		}
		var tags []any
		if silent > 30 {
			tags = append(tags, "at_risk")
		}
		v := map[string]any{"name": co.name, "uscc": co.uscc, "industry": co.industry, "region": region,
			"scale": []string{"s", "m", "l", "xl"}[g.r.IntN(4)], "level": level, "status": status,
			"phone":           fmt.Sprintf("0%s-%d", map[string]string{"east": "21", "south": "755", "north": "10", "west": "28", "central": "27"}[region], 60000000+g.r.IntN(30000000)),
			"website":         "https://www." + co.domain,
			"owner":           member(c.owner),
			"last_contact_at": ago(silent), "remark": ""}
		if tags != nil {
			v["tags"] = tags
		}
		if silent < 5 {
			v["next_contact_at"] = ahead(g.between(1, 10))
		}
		delete(v, "remark")
		customerRecs = append(customerRecs, Record{Key: c.key, DaysAgo: created, Values: v})
	}

	// Contacts (2 or 3 per customer, about 170).
	var contactRecs []Record
	n := 0
	for _, c := range customers {
		k := 2 + g.r.IntN(2)
		for j := 0; j < k; j++ {
			n++
			key := fmt.Sprintf("con-%03d", n)
			role := []string{"decision_maker", "influencer", "user", "gatekeeper"}[min(j, 3)]
			if j > 1 {
				role = []string{"influencer", "user"}[g.r.IntN(2)]
			}
			title := g.pick(titles)
			if role == "decision_maker" {
				title = []string{"总经理", "副总经理", "CIO", "运营总监"}[g.r.IntN(4)]
			}
			contactRecs = append(contactRecs, Record{Key: key, DaysAgo: customerRecs[indexOf(customers, c)].DaysAgo - 1, Values: map[string]any{
				"name": g.person(), "customer": ref("customer", c.key), "job_title": title, "role": role,
				"mobile": g.phone(), "email": g.email(c.co.domain), "is_key": role == "decision_maker", "owner": member(c.owner)}})
			c.contacts = append(c.contacts, key)
			if role == "decision_maker" {
				c.decision = key
			}
		}
	}

	// Leads (220): about 60 converted into the first customers, the rest new, working or invalid.
	var leadRecs []Record
	for i := 1; i <= 220; i++ {
		key := fmt.Sprintf("lead-%03d", i)
		var co company
		var conv *customerRec
		if i <= 60 {
			conv = customers[i-1]
			co = conv.co
			conv.leadKey = key
		} else {
			co = g.company(regions[g.r.IntN(len(regions))])
		}
		t := teamOf(co.region)
		src := g.pick(sources)
		budget := float64([]int{0, 30000, 80000, 150000, 300000, 500000, 1200000, 2000000}[g.r.IntN(8)])
		auth := []string{"decision_maker", "influencer", "user", "unknown"}[g.r.IntN(4)]
		need := []string{"clear", "general", "unclear"}[g.r.IntN(3)]
		tl := []string{"m3", "m6", "y1", "unknown"}[g.r.IntN(4)]
		sc := score(src, budget, auth, need, tl)
		created := g.between(1, 120)
		status := "new"
		switch {
		case conv != nil:
			status = "converted"
			created = customerRecs[i-1].DaysAgo + g.between(3, 20)
		case created > 30 && g.chance(0.25):
			status = "invalid"
		case created > 3 && g.chance(0.7):
			status = "working"
		}
		owner := g.pick(t.reps)
		v := map[string]any{"company": co.name, "contact_name": g.person(), "job_title": g.pick(titles), "phone": g.phone(),
			"email": g.email(co.domain), "region": co.region, "industry": co.industry, "source": src, "authority": auth, "need": need, "timeline": tl,
			"status": "new"}
		if budget > 0 {
			v["budget"] = budget
		}
		if g.chance(0.6) || conv != nil {
			v["uscc"] = co.uscc
		}
		var tags []any
		if sc >= 75 {
			tags = append(tags, "high_intent")
		}
		unassigned := status == "new" && created <= 2 && g.chance(0.5)
		if !unassigned {
			v["owner"] = member(owner)
			v["assigned_at"] = ago(created)
		}
		rec := Record{Key: key, DaysAgo: created, Values: v}
		if status != "new" {
			first := max(created-g.between(0, 3), 0)
			last := max(first-g.between(0, 20), 0)
			ch := map[string]any{"status": status, "first_follow_up_at": ago(first), "last_contact_at": ago(last)}
			switch status {
			case "invalid":
				ch["invalid_reason"] = []string{"无真实采购需求", "联系方式无效", "同行咨询", "预算过低"}[g.r.IntN(4)]
			case "converted":
				ch["customer"] = ref("customer", conv.key)
				ch["converted_at"] = ago(last)
			case "working":
				if last > 3 {
					tags = append(tags, "follow_up")
				}
				if g.chance(0.4) {
					ch["next_contact_at"] = ahead(g.between(1, 7))
				}
			}
			rec.Changes = []Change{{DaysAgo: first, Values: ch}}
			if status == "converted" {
				// The conversion came after the first follow-up.
				delete(ch, "customer")
				delete(ch, "converted_at")
				ch["status"] = "working"
				rec.Changes = append(rec.Changes, Change{DaysAgo: last, Values: map[string]any{"status": "converted",
					"customer": ref("customer", conv.key), "converted_at": ago(last), "last_contact_at": ago(last)}})
			}
		} else if status == "new" && created > 3 {
			tags = append(tags, "follow_up")
		}
		if tags != nil {
			v["tags"] = tags
		}
		leadRecs = append(leadRecs, rec)
	}

	// Opportunities (120) over every stage, with their stage history.
	stages := []string{"qualify", "proposal", "tech", "negotiation"}
	targets := map[string]int{"qualify": 20, "proposal": 20, "tech": 18, "negotiation": 16, "won": 26, "lost": 20}
	order := []string{"qualify", "proposal", "tech", "negotiation", "won", "lost"}
	type oppRec struct {
		key, stage string
		c          *customerRec
		amount     float64
		wonAgo     int
	}
	var opps []oppRec
	var oppRecs []Record
	n = 0
	for _, target := range order {
		for j := 0; j < targets[target]; j++ {
			n++
			key := fmt.Sprintf("opp-%03d", n)
			c := customers[g.r.IntN(len(customers))]
			name := ""
			for {
				name = c.co.short + "-" + g.pick(projects)
				if !g.oppName[name] {
					break
				}
				name = c.co.short + "-" + g.pick(projects) + fmt.Sprintf(" %d 期", 2+g.r.IntN(3))
				if !g.oppName[name] {
					break
				}
			}
			g.oppName[name] = true
			amount := float64(g.between(8, 260)) * 5000
			// Number of stage moves after qualify.
			final := 0
			switch target {
			case "proposal":
				final = 1
			case "tech":
				final = 2
			case "negotiation", "won":
				final = 3
			case "lost":
				final = g.r.IntN(4)
			}
			moves := final
			if target == "won" || target == "lost" {
				moves++
			}
			created := g.between(10+moves*6, 120)
			if target == "qualify" {
				created = g.between(2, 50)
			}
			// Move days, strictly decreasing from created towards now.
			days := make([]int, moves)
			cur := created
			for m := 0; m < moves; m++ {
				left := moves - m
				step := g.between(3, max(3, (cur-1)/left))
				cur -= step
				if cur < 1 {
					cur = 1
				}
				days[m] = cur
			}
			contact := c.contacts[g.r.IntN(len(c.contacts))]
			dm := c.decision
			if dm == "" {
				dm = c.contacts[0]
			}
			closeIn := g.between(10, 90)
			if target != "won" && target != "lost" && g.chance(0.12) {
				closeIn = -g.between(2, 20) // the close date passed while the deal is open
			}
			v := map[string]any{"name": name, "customer": ref("customer", c.key), "owner": member(c.owner), "stage": "qualify",
				"source": g.pick(sources), "requirement": fmt.Sprintf("%s希望通过%s提升管理效率，关注实施周期与数据迁移。", c.co.short, strings.TrimSuffix(name[len(c.co.short)+1:], " 2 期")),
				"amount": amount, "expected_close_date": day(-closeIn), "contact": ref("contact", contact)}
			if c.leadKey != "" && g.chance(0.5) {
				v["lead"] = ref("lead", c.leadKey)
			}
			rec := Record{Key: key, DaysAgo: created, Values: v}
			for m := 0; m < moves; m++ {
				ch := map[string]any{}
				to := ""
				if m < final {
					to = stages[m+1]
				} else {
					to = target
				}
				ch["stage"] = to
				switch to {
				case "tech":
					ch["proposal_url"] = fmt.Sprintf("https://drive.example.com/proposals/%s.pdf", key)
				case "negotiation":
					ch["decision_maker"] = ref("contact", dm)
				case "won":
					ch["won_date"] = ago(days[m])
					ch["expected_close_date"] = ago(days[m])
				case "lost":
					ch["lost_reason"] = []string{"price", "product", "relationship", "timing", "competitor", "other"}[g.r.IntN(6)]
					ch["competitor"] = g.pick(comps)
					ch["lost_detail"] = "客户最终选择了其他方案，复盘：需更早接触决策人。"
				}
				ch["next_step"] = g.pick(nextSteps)
				rec.Changes = append(rec.Changes, Change{DaysAgo: days[m], Values: ch})
			}
			last := created
			if moves > 0 {
				last = days[moves-1]
			}
			contactAgo := g.between(0, min(last, 25))
			if target != "won" && target != "lost" {
				rec.Changes = append(rec.Changes, Change{DaysAgo: contactAgo, Values: map[string]any{"last_contact_at": ago(contactAgo)}})
			}
			oppRecs = append(oppRecs, rec)
			o := oppRec{key: key, stage: target, c: c, amount: amount}
			if target == "won" {
				o.wonAgo = last
			}
			opps = append(opps, o)
		}
	}
	sort.SliceStable(oppRecs, func(i, j int) bool { return oppRecs[i].Key < oppRecs[j].Key })

	// Follow-ups: several per opportunity and per working lead.
	var fuRecs []Record
	n = 0
	methods := []string{"phone", "phone", "visit", "wechat", "email", "meeting", "demo"}
	for i, o := range opps {
		k := 2 + g.r.IntN(3)
		created := oppRecs[indexOfKey(oppRecs, o.key)].DaysAgo
		for j := 0; j < k; j++ {
			n++
			at := max(created-g.between(0, created), 0)
			v := map[string]any{"customer": ref("customer", o.c.key), "opportunity": ref("opportunity", o.key),
				"contact": ref("contact", o.c.contacts[g.r.IntN(len(o.c.contacts))]), "method": g.pick(methods),
				"follow_at": ago(at), "content": g.pick(followUps), "result": []string{"positive", "neutral", "negative"}[g.r.IntN(3)],
				"next_step": g.pick(nextSteps), "owner": member(o.c.owner)}
			if at <= 1 && i%3 == 0 {
				v["next_contact_at"] = ahead(g.between(1, 7))
			}
			fuRecs = append(fuRecs, Record{Key: fmt.Sprintf("fu-%03d", n), DaysAgo: at, Values: v})
		}
	}
	for _, l := range leadRecs {
		if len(l.Changes) == 0 || l.Values["owner"] == nil || n >= 520 {
			continue
		}
		n++
		at := l.Changes[0].DaysAgo
		fuRecs = append(fuRecs, Record{Key: fmt.Sprintf("fu-%03d", n), DaysAgo: at, Values: map[string]any{
			"lead": ref("lead", l.Key), "method": g.pick([]string{"phone", "wechat", "email"}), "follow_at": ago(at),
			"content": "首次联系：" + g.pick(followUps), "result": []string{"positive", "neutral", "negative"}[g.r.IntN(3)],
			"owner": l.Values["owner"]}})
	}

	// Quotes for deals in negotiation or won, contracts and payments for the won ones.
	var quoteRecs, contractRecs, paymentRecs []Record
	q, ct, pm := 0, 0, 0
	var quoted []oppRec
	for _, stage := range []string{"won", "negotiation"} {
		k := 0
		for _, o := range opps {
			if o.stage == stage && k < map[string]int{"won": 12, "negotiation": 8}[stage] {
				quoted = append(quoted, o)
				k++
			}
		}
	}
	for _, o := range quoted {
		q++
		qkey := fmt.Sprintf("quote-%03d", q)
		p1, p2 := products[g.r.IntN(6)+2], products[6]
		items := []any{
			map[string]any{"product": ref("product", p1.key), "unit_price": p1.price, "quantity": 1},
			map[string]any{"product": ref("product", p2.key), "unit_price": p2.price, "quantity": g.between(10, 60)},
		}
		discount := []float64{0.05, 0.08, 0.1, 0.12, 0.15, 0.18, 0.25}[g.r.IntN(7)]
		status := "approved"
		if o.stage == "won" {
			status = "accepted"
		}
		v := map[string]any{"opportunity": ref("opportunity", o.key), "customer": ref("customer", o.c.key), "owner": member(o.c.owner),
			"items": items, "discount": discount, "status": status, "valid_until": ahead(g.between(5, 30))}
		if discount > 0.1 {
			v["discount_reason"] = "客户为行业标杆，争取样板案例"
		}
		quoteRecs = append(quoteRecs, Record{Key: qkey, DaysAgo: g.between(2, 25), Values: v})
		if o.stage != "won" {
			continue
		}
		ct++
		ckey := fmt.Sprintf("contract-%03d", ct)
		signed := max(o.wonAgo-g.between(0, 3), 1)
		cstatus := []string{"signed", "executing", "executing", "done"}[g.r.IntN(4)]
		paid := 0.0
		nPay := 2 + g.r.IntN(2)
		var pays []Record
		for k := 0; k < nPay; k++ {
			pm++
			share := float64(int(o.amount/float64(nPay)/100) * 100)
			if k == nPay-1 {
				share = o.amount - share*float64(nPay-1)
			}
			planAgo := signed - 15*(k+1)
			status := "planned"
			pv := map[string]any{"contract": ref("contract", ckey), "customer": ref("customer", o.c.key), "owner": member(o.c.owner),
				"installment": []string{"p1", "p2", "p3", "final"}[min(k, 3)], "amount": share, "plan_date": day(planAgo), "method": "transfer"}
			if planAgo > 0 {
				if g.chance(0.8) {
					status = "received"
					pv["paid_date"] = day(max(planAgo-g.between(0, 5), 0))
					pv["invoice_no"] = fmt.Sprintf("FP%08d", g.r.IntN(100000000))
					paid += share
				} else {
					status = "overdue"
				}
			}
			pv["status"] = status
			pays = append(pays, Record{Key: fmt.Sprintf("pay-%03d", pm), DaysAgo: signed, Values: pv})
		}
		cv := map[string]any{"name": oppName(oppRecs, o.key) + " 合同", "customer": ref("customer", o.c.key), "opportunity": ref("opportunity", o.key),
			"quote": ref("quote", qkey), "owner": member(o.c.owner), "amount": o.amount, "sign_date": ago(signed),
			"start_date": ago(signed), "end_date": ahead(365 - signed), "status": cstatus}
		if paid > 0 {
			cv["paid_amount"] = paid
		}
		contractRecs = append(contractRecs, Record{Key: ckey, DaysAgo: signed, Values: cv})
		paymentRecs = append(paymentRecs, pays...)
	}

	files := map[string]any{
		"members.json":     members,
		"product.json":     productRecs,
		"customer.json":    customerRecs,
		"contact.json":     contactRecs,
		"lead.json":        leadRecs,
		"opportunity.json": oppRecs,
		"follow_up.json":   fuRecs,
		"quote.json":       quoteRecs,
		"contract.json":    contractRecs,
		"payment.json":     paymentRecs,
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return "", err
	}
	// Each record is written by (and owned by) its owner, as if the rep
	// had entered it.
	for _, list := range [][]Record{customerRecs, contactRecs, leadRecs, oppRecs, fuRecs, quoteRecs, contractRecs, paymentRecs} {
		for i := range list {
			if m, ok := list[i].Values["owner"].(map[string]any); ok {
				list[i].Owner = m["$member"].(string)
			}
		}
	}
	for name, v := range files {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		if err := enc.Encode(v); err != nil {
			return "", err
		}
		if err := os.WriteFile(filepath.Join(out, name), buf.Bytes(), 0o644); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d products, %d customers, %d contacts, %d leads, %d opportunities, %d follow-ups, %d quotes, %d contracts, %d payments",
		len(productRecs), len(customerRecs), len(contactRecs), len(leadRecs), len(oppRecs), len(fuRecs), len(quoteRecs), len(contractRecs), len(paymentRecs)), nil
}

func indexOf(list []*customerRec, c *customerRec) int {
	for i, x := range list {
		if x == c {
			return i
		}
	}
	return -1
}

func indexOfKey(list []Record, key string) int {
	for i, r := range list {
		if r.Key == key {
			return i
		}
	}
	return -1
}

func oppName(list []Record, key string) string {
	return list[indexOfKey(list, key)].Values["name"].(string)
}
