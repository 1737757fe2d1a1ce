"""Positions and duties of other layouts and industries for the benchmark's generator, written for it.

Nothing here is copied from a real document: a hospital, a restaurant and a dealership, each
in Chinese (for the numbered genre and the field forms) and in English (for Markdown and plain
job descriptions). Each position: (name, department, superior, duties).
"""

from __future__ import annotations

from typing import NamedTuple


class Position(NamedTuple):
    name: str
    department: str
    superior: str
    duties: tuple[str, ...]


HOSPITAL_ZH = (
    Position(
        "护士长",
        "护理部",
        "护理部主任",
        (
            "负责本病区护理人员的排班与考勤，保证各班次人手充足。",
            "每周组织一次护理查房，讲评危重病人的护理计划。",
            "检查交接班记录和护理文书，发现问题当天纠正。",
            "督促护士落实查对制度，防止给药差错。",
            "管理病区的药品、耗材和急救设备，定期清点补充。",
            "收集病人及家属的意见，改进病区服务。",
        ),
    ),
    Position(
        "责任护士",
        "护理部",
        "护士长",
        (
            "按护理级别定时巡视病房，观察并记录病情变化。",
            "准确执行医嘱，按时完成输液、注射和给药。",
            "为新入院病人介绍病区环境和住院须知。",
            "做好出院病人的健康指导和随访登记。",
            "发现病情异常立即报告值班医生。",
        ),
    ),
    Position(
        "门诊挂号员",
        "门诊部",
        "门诊部主任",
        (
            "为就诊病人办理挂号、退号和预约手续。",
            "核对病人身份信息，确保就诊卡信息准确。",
            "每日下班前与财务核对挂号收入。",
            "解答病人关于科室和出诊时间的询问。",
        ),
    ),
    Position(
        "药剂师",
        "药剂科",
        "药剂科主任",
        (
            "审核处方的用法用量，发现不合理处方及时与医生沟通。",
            "按处方调配药品，向病人说明服用方法和注意事项。",
            "每月盘点药房库存，对近效期药品做出标记。",
            "按规定保管麻醉药品和精神药品，做到专柜加锁。",
            "收集药品不良反应报告并按时上报。",
        ),
    ),
    Position(
        "检验技师",
        "检验科",
        "检验科主任",
        (
            "按操作规程采集和处理检验标本。",
            "每日开机前完成仪器质控，记录质控结果。",
            "及时发出检验报告，危急值立即电话通知临床科室。",
            "负责检验仪器的日常保养和故障登记。",
        ),
    ),
    Position(
        "住院医师",
        "内科",
        "主治医师",
        (
            "负责所管病床病人的诊疗工作，按时书写病历。",
            "每天上午随上级医师查房，汇报病人情况。",
            "参加科室值班，处理夜间病人的病情变化。",
            "向病人和家属说明病情及治疗方案，签署知情同意书。",
            "参加科室组织的业务学习和病例讨论。",
        ),
    ),
    Position(
        "科室主任",
        "内科",
        "业务副院长",
        (
            "负责本科室的医疗、教学和科研工作。",
            "制定科室年度工作计划并组织实施。",
            "主持疑难病例讨论和死亡病例讨论。",
            "检查科室医疗质量，落实核心医疗制度。",
            "负责本科室医师的培训和考核。",
        ),
    ),
    Position(
        "后勤保障员",
        "后勤部",
        "后勤部主任",
        (
            "负责院内水、电、气设施的日常巡查和维修。",
            "按计划保养空调、电梯等设备，做好维修记录。",
            "接到科室报修后及时到场处理。",
            "管理后勤仓库，物品出入库登记清楚。",
        ),
    ),
    Position(
        "导医",
        "门诊部",
        "门诊部主任",
        (
            "在门诊大厅引导病人挂号、候诊和检查。",
            "为行动不便的病人提供轮椅和陪同服务。",
            "维持候诊秩序，解答病人的一般咨询。",
            "发放就诊须知和健康宣传资料。",
        ),
    ),
)

RESTAURANT_ZH = (
    Position(
        "厨师长",
        "厨房",
        "餐厅经理",
        (
            "负责厨房的全面管理，安排厨师的班次和分工。",
            "根据季节和客情设计菜单，控制菜品成本。",
            "每天开餐前检查原料的新鲜程度和备料情况。",
            "把关出品质量，保证菜品的口味和份量统一。",
            "监督厨房的卫生和食品安全，做好留样记录。",
            "培训厨师掌握新菜品的制作方法。",
        ),
    ),
    Position(
        "前厅经理",
        "前厅",
        "餐厅经理",
        (
            "负责前厅服务人员的排班、培训和考核。",
            "开餐前召开班前会，布置当餐的接待任务。",
            "巡视餐厅，及时处理客人的投诉和特殊要求。",
            "管理订餐记录，安排宴会和包间的接待。",
            "检查餐具、桌椅和环境卫生是否符合标准。",
        ),
    ),
    Position(
        "服务员",
        "前厅",
        "前厅经理",
        (
            "按标准摆台，开餐前备好餐具和调料。",
            "热情迎接客人，为客人点菜并介绍特色菜品。",
            "上菜时报菜名，及时为客人添加茶水。",
            "客人离开后及时收台，保持桌面整洁。",
        ),
    ),
    Position(
        "传菜员",
        "前厅",
        "前厅经理",
        (
            "按桌号准确、快速地把菜品从厨房送到餐桌。",
            "传菜时核对菜单，发现漏单及时告知厨房。",
            "协助服务员撤换餐具和收拾台面。",
        ),
    ),
    Position(
        "收银员",
        "财务部",
        "财务主管",
        (
            "为客人结账，准确收取现金和电子支付款项。",
            "开具发票，保管好收银台的票据。",
            "每班结束时清点营业款，填写收银日报。",
            "核对会员卡消费和折扣，防止错收漏收。",
        ),
    ),
    Position(
        "采购员",
        "采购部",
        "餐厅经理",
        (
            "根据厨房的申购单采购原料和调料。",
            "比较供应商的价格和质量，每月提交比价表。",
            "验收到货的原料，数量和质量不符的当场退回。",
            "整理采购单据，按时交财务报账。",
        ),
    ),
    Position(
        "面点师",
        "厨房",
        "厨师长",
        (
            "负责包子、饺子和糕点等面点的制作。",
            "提前发面和备馅，保证开餐时供应充足。",
            "保持面点间的卫生，工具用后清洗归位。",
        ),
    ),
    Position(
        "洗碗工",
        "厨房",
        "厨师长",
        (
            "及时清洗餐具和厨具，按规定消毒后存放。",
            "保持洗碗间地面干燥，防止滑倒。",
            "发现餐具破损及时挑出并登记。",
        ),
    ),
)

DEALERSHIP_EN = (
    Position(
        "Sales Manager",
        "Sales",
        "General Manager",
        (
            "Set monthly sales targets for each consultant and review them every week.",
            "Approve discounts and trade-in offers within the limits the owner sets.",
            "Keep the showroom cars clean, fuelled and correctly priced.",
            "Coach new consultants on test drives and the handover of a new car.",
            "Report orders, deliveries and stock to the general manager every Monday.",
        ),
    ),
    Position(
        "Sales Consultant",
        "Sales",
        "Sales Manager",
        (
            "Greet visitors in the showroom and find out what car they need.",
            "Arrange test drives and go with the customer on each one.",
            "Prepare quotes and order forms and explain the finance options.",
            "Call each customer a week after delivery to ask how the car is going.",
        ),
    ),
    Position(
        "Service Advisor",
        "After-sales",
        "Service Manager",
        (
            "Book cars in for service and explain the work and its cost to the customer.",
            "Walk round each car with the customer and note any damage on the job card.",
            "Keep the customer informed when extra work is found during a service.",
            "Explain the invoice when the car is collected.",
        ),
    ),
    Position(
        "Parts Manager",
        "Parts",
        "After-sales Manager",
        (
            "Order parts so that the workshop seldom waits and stock stays low.",
            "Count the stock every quarter and explain any difference.",
            "Return wrong or faulty parts to the supplier within the claim period.",
            "Train parts staff on the catalogue system.",
        ),
    ),
    Position(
        "Workshop Foreman",
        "After-sales",
        "Service Manager",
        (
            "Hand out jobs to technicians according to their skills and the day's bookings.",
            "Road-test repaired cars before they are returned.",
            "Check that tools and lifts are inspected and safe.",
            "Keep the workshop floor clean and free of oil.",
        ),
    ),
    Position(
        "Warranty Administrator",
        "After-sales",
        "Service Manager",
        (
            "Prepare warranty claims with photos and the technician's report.",
            "Keep the replaced parts until the maker accepts the claim.",
            "Follow up rejected claims and explain the reason to the service manager.",
        ),
    ),
    Position(
        "Receptionist",
        "Administration",
        "Office Manager",
        (
            "Answer the phone and pass calls to the right department.",
            "Welcome visitors and offer them a drink while they wait.",
            "Keep the reception area tidy and the brochures stocked.",
        ),
    ),
)

HOSPITAL_EN = (
    Position(
        "Ward Manager",
        "Nursing",
        "Director of Nursing",
        (
            "Draw up the ward's duty rota and cover absences.",
            "Check that care plans are written and kept up to date.",
            "Investigate incidents on the ward and report them to the director of nursing.",
            "Order ward stock and check the resuscitation trolley every day.",
        ),
    ),
    Position(
        "Staff Nurse",
        "Nursing",
        "Ward Manager",
        (
            "Assess patients on admission and record their observations.",
            "Give medicines as prescribed and record every dose.",
            "Hand over each patient's condition at the change of shift.",
            "Prepare patients and their families for discharge.",
        ),
    ),
    Position(
        "Ward Clerk",
        "Outpatients",
        "Clinic Manager",
        (
            "Book outpatient appointments and confirm them by phone.",
            "File letters and results in the patient record the same day.",
            "Greet visitors at the ward desk and direct them.",
        ),
    ),
    Position(
        "Pharmacist",
        "Pharmacy",
        "Chief Pharmacist",
        (
            "Check each prescription for dose, interactions and allergies.",
            "Dispense medicines and explain to patients how to take them.",
            "Keep the controlled drugs register accurate.",
            "Remove expired stock from the shelves each month.",
        ),
    ),
    Position(
        "Porter",
        "Facilities",
        "Facilities Supervisor",
        (
            "Move patients between wards and departments safely.",
            "Take samples to the laboratory promptly.",
            "Deliver linen and supplies to the wards.",
        ),
    ),
)

RESTAURANT_EN = (
    Position(
        "Head Chef",
        "Kitchen",
        "Restaurant Manager",
        (
            "Plan the menu with the owner and cost every dish.",
            "Order produce and check each delivery for quality and temperature.",
            "Train the cooks on every station and taste dishes before service.",
            "Keep the kitchen's food safety records complete.",
        ),
    ),
    Position(
        "Line Cook",
        "Kitchen",
        "Head Chef",
        (
            "Prepare the station's mise en place before service.",
            "Cook dishes to the recipe and plate them as shown.",
            "Label and date everything put into the fridge.",
            "Clean the station and the equipment at the end of the shift.",
        ),
    ),
    Position(
        "Floor Manager",
        "Front of house",
        "Restaurant Manager",
        (
            "Brief the waiting staff before each service.",
            "Seat guests and manage the reservations book.",
            "Handle complaints at the table and tell the kitchen of any problem.",
        ),
    ),
    Position(
        "Server",
        "Front of house",
        "Floor Manager",
        (
            "Lay the tables before service.",
            "Take orders and tell guests about the day's specials.",
            "Serve food and drinks and clear the tables.",
            "Take payments and hand over the float at the end of the shift.",
        ),
    ),
    Position(
        "Dishwasher",
        "Kitchen",
        "Head Chef",
        (
            "Wash pots, pans and crockery as they come back from the floor.",
            "Empty the bins and keep the wash-up area dry.",
        ),
    ),
)

ORGS_ZH = {"hospital": ("仁和医院", "康宁医院", "城南人民医院"), "restaurant": ("福满楼餐厅", "老街面馆", "湖畔酒家")}
ORGS_EN = {
    "hospital": ("Riverside General Hospital", "St Anne's Clinic", "Northfield Hospital"),
    "restaurant": ("The Copper Pot", "Harbour Bistro", "Green Lane Kitchen"),
    "dealership": ("Westway Motors", "Hillside Autos", "Central Car Centre"),
}
POSITIONS_ZH = {"hospital": HOSPITAL_ZH, "restaurant": RESTAURANT_ZH}
POSITIONS_EN = {"hospital": HOSPITAL_EN, "restaurant": RESTAURANT_EN, "dealership": DEALERSHIP_EN}
SYNONYMS_EN = [
    ("Check", "Verify"),
    ("Keep", "Maintain"),
    ("every", "each"),
    ("Prepare", "Draw up"),
    ("promptly", "without delay"),
    ("Train", "Coach"),
]
