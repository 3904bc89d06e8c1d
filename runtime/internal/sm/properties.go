package sm

import (
	commandpb "go.temporal.io/api/command/v1"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
)

// Search attribute upserts and memo changes are record-only commands.
var (
	upsertTable = recordTable("upsert search attributes", noFurtherEvents, enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES)
	modifyTable = recordTable("modify properties", noFurtherEvents, enumspb.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED)
)

// UpsertSearchAttributes issues an UpsertWorkflowSearchAttributes command.
func (ms *Machines) UpsertSearchAttributes(sa *commonpb.SearchAttributes) {
	ms.upsert(upsertTable, sa)
}

func (ms *Machines) upsert(tab *table[recordState], sa *commonpb.SearchAttributes) *entry {
	return ms.pushRecord(tab, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
		Attributes: &commandpb.Command_UpsertWorkflowSearchAttributesCommandAttributes{
			UpsertWorkflowSearchAttributesCommandAttributes: &commandpb.UpsertWorkflowSearchAttributesCommandAttributes{SearchAttributes: sa},
		},
	}, nil)
}

// ModifyProperties issues a ModifyWorkflowProperties command that upserts
// memo fields.
func (ms *Machines) ModifyProperties(memo *commonpb.Memo) {
	ms.pushRecord(modifyTable, &commandpb.Command{
		CommandType: enumspb.COMMAND_TYPE_MODIFY_WORKFLOW_PROPERTIES,
		Attributes: &commandpb.Command_ModifyWorkflowPropertiesCommandAttributes{
			ModifyWorkflowPropertiesCommandAttributes: &commandpb.ModifyWorkflowPropertiesCommandAttributes{UpsertedMemo: memo},
		},
	}, nil)
}
