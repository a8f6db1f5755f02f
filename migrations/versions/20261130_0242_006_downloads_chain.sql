-- revision: 006
-- down_revision: 005
-- message: downloads chain
-- created: 2026-11-30 02:42 Europe/Paris
--
-- (filled by the issue that owns it)

-- +upgrade
SELECT 1;

-- +downgrade
SELECT 1;
