-- revision: 004
-- down_revision: 003
-- message: plex library sync
-- created: 2026-11-30 02:40 Europe/Paris
--
-- The Plex library as kiosk-plex syncs it: its sections (with the folders
-- they hold, for targeted refreshes) and what each sync run last saw. And the
-- progress of a running job (items done / total), in every service's queue,
-- so the job API shows how far a long job is.

-- +upgrade
DO $$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['users', 'media', 'downloads', 'plex'] LOOP
    EXECUTE format($sql$
      ALTER TABLE %1$I.jobs
        ADD COLUMN progress_done  bigint CHECK (progress_done >= 0),
        ADD COLUMN progress_total bigint CHECK (progress_total >= 0),
        ADD COLUMN progress_note  text
    $sql$, s);
  END LOOP;
END
$$;

CREATE TABLE plex.plex_sections (
  section_id     integer PRIMARY KEY,
  title          text NOT NULL,
  -- Plex's section type: movie, show, artist, photo
  section_type   text NOT NULL,
  agent          text,
  language       text,
  -- The folders of the section, as Plex sees them.
  locations      text[] NOT NULL DEFAULT '{}',
  item_count     integer NOT NULL DEFAULT 0 CHECK (item_count >= 0),
  last_synced_at timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per sync kind ('full', 'incremental'): when it last finished, and
-- the newest addedAt it saw (the next incremental run starts there minus a
-- margin).
CREATE TABLE plex.sync_state (
  kind           text PRIMARY KEY CHECK (kind IN ('full', 'incremental')),
  finished_at    timestamptz NOT NULL,
  max_added_at   timestamptz,
  items_seen     integer NOT NULL DEFAULT 0,
  duration_ms    integer NOT NULL DEFAULT 0
);

-- Plex's own updatedAt, so a sync writes only what changed.
ALTER TABLE plex.plex_library_items ADD COLUMN plex_updated_at timestamptz;

-- +downgrade
ALTER TABLE plex.plex_library_items DROP COLUMN plex_updated_at;
DROP TABLE plex.sync_state;
DROP TABLE plex.plex_sections;
DO $$
DECLARE
  s text;
BEGIN
  FOREACH s IN ARRAY ARRAY['users', 'media', 'downloads', 'plex'] LOOP
    EXECUTE format('ALTER TABLE %1$I.jobs DROP COLUMN progress_done, DROP COLUMN progress_total, '
                   'DROP COLUMN progress_note', s);
  END LOOP;
END
$$;
