-- revision: 007
-- down_revision: 006
-- message: download owner and tv progress
-- created: 2026-11-30 05:10 Europe/Paris
--
-- Placeholder reserved for the owner of a download and per-episode TV progress.

-- +upgrade
SELECT 1;

-- +downgrade
SELECT 1;
