module stagecp

go 1.19
