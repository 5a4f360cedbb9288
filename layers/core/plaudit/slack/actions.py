"""The ids Slack sends back and the listeners match on: action, callback and modal ids. Shared by the
listeners (at registration, on the ack path) and the views that put them on buttons and modals, so this
module imports nothing."""

# the kudos form and the announcement
GIVE_KUDOS_SHORTCUT = "give_kudos"
GIVE_KUDOS_FOR_MESSAGE_SHORTCUT = "give_kudos_for_message"
KUDOS_MODAL = "give_kudos_modal"
ADD_ON = "kudos_add_on"

# rewards
REDEEM = "redeem_open"
REDEEM_MODAL = "redeem_modal"
VOUCHER_USED = "voucher_used"
USE_NOW = "instant_use_now"  # an instant perk: a one-time code to show at a desk
USE_NOW_MODAL = "instant_pass_modal"

# approvals (the buttons are on the approver's DM, posted by the notifications function, and in App Home)
APPROVE = "approval_approve"
REJECT = "approval_reject"
REJECT_MODAL = "approval_reject_modal"

# milestone rules (HR admins, App Home)
NEW_RULE = "milestone_rule_new"
EDIT_RULE = "milestone_rule_edit"
RULE_MODAL = "milestone_rule_modal"
