from meldpunt.common.events import declare

CONTRACT_CREATED = declare("contract.created", "A contract was created")
CONTRACT_ENDED = declare("contract.ended", "A contract was ended")
