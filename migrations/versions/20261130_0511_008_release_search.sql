-- revision: 008
-- down_revision: 007
-- message: release search
-- created: 2026-11-30 05:11 Europe/Paris
--
-- Placeholder reserved for Torznab indexers, the release blocklist and the
-- grabbed release of a download.

-- +upgrade
SELECT 1;

-- +downgrade
SELECT 1;
