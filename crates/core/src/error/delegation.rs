//! Why steps on delegated powers (赋权: the 点单 menu, orders, evaluation rounds, recalls,
//! the transition period) are refused.

use super::catalogue::reasons;

reasons! {
    /// Delegated powers in use.
    pub enum DelegationReason(names) {
        MenuByEstablishment = "delegation_menu_by_establishment"
            en("only the establishment office (编办) publishes the menu of delegable powers")
            zh("只有编办可以发布赋权事项菜单"),
        MenuEmpty = "delegation_menu_empty"
            en("the menu needs at least one power")
            zh("菜单至少包含一项权力"),
        MenuItemKind { item: String } = "delegation_menu_item_kind"
            en("{item} is neither a power nor a delegated item")
            zh("{item} 不是权责清单或赋权清单中的事项"),
        MenuDuplicate { item: String } = "delegation_menu_duplicate"
            en("{item} is on the menu twice")
            zh("{item} 在菜单中重复"),
        OrderByTownship = "delegation_order_by_township"
            en("only the township's own command room or leader orders powers for it")
            zh("只有本乡镇(街道)的指挥室或领导可以为本乡镇点单"),
        NotATownship { unit: String } = "delegation_not_a_township"
            en("{unit} is not a township or subdistrict")
            zh("{unit} 不是乡镇(街道)"),
        NotOnMenu { item: String } = "delegation_not_on_menu"
            en("{item} is not on the menu of delegable powers")
            zh("{item} 不在赋权事项菜单中"),
        AlreadyDelegated { item: String, township: String } = "delegation_already_delegated"
            en("{item} is already delegated to {township}")
            zh("{item} 已赋予 {township}"),
        OrderPending { item: String } = "delegation_order_pending"
            en("an order for {item} is already under review")
            zh("{item} 已有点单申请在审核中"),
        TooFewStaff { min: u32 } = "delegation_too_few_staff"
            en("this power needs at least {min} qualified staff")
            zh("承接该项权力至少需要 {min} 名具备资格的人员"),
        AdjustmentMissing { id: u64 } = "delegation_adjustment_missing"
            en("list adjustment {id} was not filed with this step")
            zh("未随本操作提交清单调整申请 {id}"),
        RoundsByEstablishment = "delegation_rounds_by_establishment"
            en("only the establishment office (编办) runs evaluation rounds and recalls")
            zh("只有编办可以组织赋权事项评估和收回"),
        UnknownRound { id: u64 } = "delegation_unknown_round"
            en("no evaluation round {id}")
            zh("评估轮次 {id} 不存在"),
        RoundClosed { id: u64 } = "delegation_round_closed"
            en("evaluation round {id} is closed")
            zh("评估轮次 {id} 已结束"),
        RoundEmpty = "delegation_round_empty"
            en("record at least one result before closing the round")
            zh("结束评估前至少录入一项评估结果"),
        DateOrder = "delegation_date_order"
            en("the end date is before the start date")
            zh("结束日期早于开始日期"),
        NotDelegated { item: String } = "delegation_not_delegated"
            en("{item} is not a delegated power")
            zh("{item} 不是赋权事项"),
        NotReceiver { item: String, township: String } = "delegation_not_receiver"
            en("{township} has not received {item}")
            zh("{township} 未承接 {item}"),
        NoRecallDecision { item: String } = "delegation_no_recall_decision"
            en("the round did not decide to recall {item}")
            zh("本轮评估未作出收回 {item} 的决定"),
        RecallFiled { item: String } = "delegation_recall_filed"
            en("a recall of {item} from this round is already filed")
            zh("本轮评估已就 {item} 发起收回"),
        TransitionNoReturn { item: String, until: String } = "delegation_transition_no_return"
            en("{item} is in its transition period until {until}: the work is the township's, the responsibility stays with the department, which cannot return it")
            zh("{item} 处于过渡期（至 {until}）：工作在镇街、责任在部门，部门不得以已下放为由退回"),
    }
}
