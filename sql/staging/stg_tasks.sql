-- model: stg_tasks
-- grain: drill, task_id
-- upstream: bosh_tasks
-- stg_tasks: one row per BOSH task and drill across captures (`bosh tasks`, `bosh task N`, --event, --debug).
-- Grain: one row per (drill, task_id); rows without a task id are left out.
-- The `bosh tasks` listing (source_type bosh_table) wins: it names user, state and result; then the copy that
-- names a user, then one with a state, then the earliest start.
CREATE OR REPLACE VIEW stg_tasks AS
SELECT * FROM bosh_tasks
WHERE task_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY drill, task_id
                           ORDER BY (source_type = 'bosh_table') DESC, ("user" IS NOT NULL) DESC,
                                    (state IS NOT NULL) DESC, started_at NULLS LAST, source_file, source_line) = 1;
