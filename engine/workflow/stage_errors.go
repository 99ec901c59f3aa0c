package workflow

// Error codes of stage pipelines; their zh-CN and en texts are in
// engine/i18n/messages_workflow_stage.go.
const (
	// CodeStageRequired: a field the target stage requires is empty
	// (params stage, field: labels).
	CodeStageRequired = "stage_required"
	// CodeStageCondition: the target stage's entry condition is false
	// (params stage, message per language).
	CodeStageCondition = "stage_condition"
	// CodeStageConditionError: the entry condition could not be computed
	// (params stage, reason per language).
	CodeStageConditionError = "stage_condition_error"
	// CodeStageTransition: the pipeline does not allow this move (params from, to).
	CodeStageTransition = "stage_transition"
	// CodeStageUnknown: the value is not a stage of the pipeline (params value).
	CodeStageUnknown = "stage_unknown"

	// Design problems.
	CodeStageDesign        = "stage_design"
	CodeStageFieldType     = "stage_field_type"
	CodeStageEnteredAtType = "stage_entered_at_type"
	CodeStageTransitions   = "stage_transitions"
	CodeStageTooMany       = "stage_too_many"
	CodeStageUnknownOption = "stage_unknown_option"
	CodeStageDuplicate     = "stage_duplicate"
	CodeStageForecast      = "stage_forecast"
	CodeStageFlag          = "stage_flag"
)
