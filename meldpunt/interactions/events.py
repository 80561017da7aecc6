from meldpunt.common.events import declare

INTERACTION_RECORDED = declare(
    "interaction.recorded", "A contact moment with a household was recorded"
)
INTERACTION_TASK_DONE = declare(
    "interaction.task_done", "A staff task from an interaction was done"
)
