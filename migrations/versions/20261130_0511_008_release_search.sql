-- revision: 008
-- down_revision: 007
-- message: release search
-- created: 2026-11-30 05:11 Europe/Paris
--
-- Release search (issue 13) in kiosk-downloads:
-- * downloads.indexers: Torznab indexers (Jackett, Prowlarr) an admin set up.
--   The API key is stored for the calls and never answered; last_status /
--   last_error / backoff_until record how the last call went, so a failing
--   indexer is skipped for a while instead of slowing every search.
-- * downloads.release_blocklist: releases that failed for a request (by
--   info-hash and by title) and are never grabbed again for it.
-- * downloads.downloads: the grabbed release's title and indexer, and whether
--   the automatic grab chose it, and when the automatic search last ran
--   for a download still awaiting a release (searched again every
--   releases.search_minutes).

-- +upgrade
CREATE TABLE downloads.indexers (
  id                     bigserial PRIMARY KEY,
  name                   text NOT NULL CHECK (name <> ''),
  url                    text NOT NULL CHECK (url ~* '^https?://'),
  api_key                text NOT NULL DEFAULT '',
  categories             integer[] NOT NULL DEFAULT '{}',
  enabled                boolean NOT NULL DEFAULT true,
  priority               integer NOT NULL DEFAULT 25 CHECK (priority BETWEEN 1 AND 50),
  rate_limit_per_minute  integer NOT NULL DEFAULT 0 CHECK (rate_limit_per_minute >= 0),
  caps_summary           text NOT NULL DEFAULT '',
  caps                   jsonb NOT NULL DEFAULT '{}',  -- what t=caps said: search modes and params
  last_status            text NOT NULL DEFAULT '' CHECK (last_status IN ('', 'ok', 'error')),
  last_error             text NOT NULL DEFAULT '',
  last_checked_at        timestamptz,
  failures               integer NOT NULL DEFAULT 0 CHECK (failures >= 0),  -- in a row
  backoff_until          timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX indexers_name_key ON downloads.indexers (lower(name));

CREATE TABLE downloads.release_blocklist (
  id          bigserial PRIMARY KEY,
  request_id  bigint NOT NULL,
  title       text NOT NULL,
  info_hash   text NOT NULL DEFAULT '',  -- lower-case hex, '' when unknown
  indexer     text NOT NULL DEFAULT '',
  reason      text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX release_blocklist_request_idx ON downloads.release_blocklist (request_id);

ALTER TABLE downloads.downloads
  ADD COLUMN release_title text NOT NULL DEFAULT '',
  ADD COLUMN indexer       text NOT NULL DEFAULT '',
  ADD COLUMN auto_grabbed  boolean NOT NULL DEFAULT false,
  ADD COLUMN release_searched_at timestamptz;  -- the last automatic search (awaiting_release)

-- +downgrade
ALTER TABLE downloads.downloads
  DROP COLUMN release_title,
  DROP COLUMN indexer,
  DROP COLUMN auto_grabbed,
  DROP COLUMN release_searched_at;
DROP TABLE downloads.release_blocklist;
DROP TABLE downloads.indexers;
