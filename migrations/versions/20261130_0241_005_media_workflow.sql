-- revision: 005
-- down_revision: 004
-- message: media request workflow
-- created: 2026-11-30 02:41 Europe/Paris
--
-- (filled by the issue that owns it)

-- +upgrade
SELECT 1;

-- +downgrade
SELECT 1;
