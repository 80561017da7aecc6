from meldpunt.common.events import declare

COMPLEX_CREATED = declare("complex.created", "A complex was created")
BUILDING_BLOCK_CREATED = declare("building_block.created", "A building block was created")
UNIT_CREATED = declare("unit.created", "A unit was created")
UNIT_UPDATED = declare("unit.updated", "A unit was changed")
COMMON_AREA_CREATED = declare("common_area.created", "A common area was created")
INSTALLATION_CREATED = declare("installation.created", "An installation was registered")
OWNER_INSTRUCTION_CHANGED = declare(
    "owner_instruction.changed", "An owner's instruction for repair requests was changed"
)
