-- revision: 006
-- down_revision: 005
-- message: downloads chain
-- created: 2026-11-30 02:42 Europe/Paris
--
-- What kiosk-downloads' chain (request -> torrent -> monitor -> import ->
-- Plex refresh -> available -> cleanup) needs on top of 001:
-- * a download exists before its release: state awaiting_release with no
--   source yet, and no hash until qBittorrent took the release (a .torrent
--   URL is hashed when fetched); one download per request;
-- * stall tracking (when the bytes last moved), the stage sentence shown on
--   the request, seeding figures for the cleanup, and the import's
--   milestones so a re-run after a crash skips what is done;
-- * per-file transfer history: the mode asked and the mode used, whether a
--   hardlink fell back to a copy, bytes and duration; one row per source
--   file of a download (a re-run updates it, never duplicates it);
-- * rename settings whose library root may stay NULL (= the setting
--   library.movies_path or library.tv_path), and the policy for an existing
--   different file. No row is inserted here: kiosk-downloads answers the
--   Radarr/Sonarr defaults for a media type without a row and creates the row
--   on the first change (so kiosk-migrate import-sqlite still finds the
--   table empty).

-- +upgrade
ALTER TABLE downloads.downloads
  ALTER COLUMN torrent_hash DROP NOT NULL,
  ALTER COLUMN source DROP NOT NULL,
  DROP CONSTRAINT downloads_state_check,
  ADD CONSTRAINT downloads_state_check
    CHECK (state IN ('awaiting_release', 'queued', 'downloading', 'stalled', 'paused', 'completed',
                     'importing', 'imported', 'failed', 'removed')),
  ADD CONSTRAINT downloads_release_check
    CHECK (state = 'awaiting_release' OR source IS NOT NULL),
  ADD COLUMN stage_message      text,
  ADD COLUMN reported_status    text,             -- the request status last told to kiosk-media
  ADD COLUMN last_progress_at   timestamptz,      -- when downloaded_bytes last grew
  ADD COLUMN stalled_since      timestamptz,      -- set while stalled
  ADD COLUMN ratio              double precision NOT NULL DEFAULT 0 CHECK (ratio >= 0),
  ADD COLUMN seeding_seconds    bigint NOT NULL DEFAULT 0 CHECK (seeding_seconds >= 0),
  ADD COLUMN library_path       text,             -- the folder the import filled
  ADD COLUMN plex_refreshed_at  timestamptz,
  ADD COLUMN imported_at        timestamptz,
  ADD COLUMN client_removed_at  timestamptz,      -- removed from qBittorrent by the cleanup
  ADD COLUMN attempts           integer NOT NULL DEFAULT 0 CHECK (attempts >= 0);  -- RetryDownload count
DROP INDEX downloads.downloads_request_idx;
CREATE UNIQUE INDEX downloads_request_key ON downloads.downloads (request_id);
CREATE INDEX downloads_cleanup_idx ON downloads.downloads (updated_at)
  WHERE state = 'imported' AND client_removed_at IS NULL;

ALTER TABLE downloads.transfer_history
  ADD COLUMN kind           text NOT NULL DEFAULT 'video' CHECK (kind IN ('video', 'subtitle')),
  ADD COLUMN mode_requested text NOT NULL DEFAULT 'hardlink_or_copy'
                            CHECK (mode_requested IN ('hardlink', 'copy', 'move', 'hardlink_or_copy')),
  ADD COLUMN fell_back      boolean NOT NULL DEFAULT false,
  ADD COLUMN duration_ms    bigint CHECK (duration_ms >= 0),
  ADD COLUMN bytes_done     bigint NOT NULL DEFAULT 0 CHECK (bytes_done >= 0);
CREATE UNIQUE INDEX transfer_history_file_key ON downloads.transfer_history (download_id, source_path);

ALTER TABLE downloads.rename_settings
  ALTER COLUMN library_root DROP NOT NULL,
  ADD COLUMN on_existing text NOT NULL DEFAULT 'fail'
                         CHECK (on_existing IN ('fail', 'keep_both', 'replace_if_same'));

-- +downgrade
DELETE FROM downloads.rename_settings WHERE library_root IS NULL;
ALTER TABLE downloads.rename_settings
  DROP COLUMN on_existing,
  ALTER COLUMN library_root SET NOT NULL;

DROP INDEX downloads.transfer_history_file_key;
ALTER TABLE downloads.transfer_history
  DROP COLUMN kind,
  DROP COLUMN mode_requested,
  DROP COLUMN fell_back,
  DROP COLUMN duration_ms,
  DROP COLUMN bytes_done;

DROP INDEX downloads.downloads_cleanup_idx;
DROP INDEX downloads.downloads_request_key;
CREATE INDEX downloads_request_idx ON downloads.downloads (request_id);
-- Downloads still waiting for a release cannot exist in the old shape.
DELETE FROM downloads.downloads WHERE state = 'awaiting_release' OR torrent_hash IS NULL OR source IS NULL;
ALTER TABLE downloads.downloads
  DROP CONSTRAINT downloads_release_check,
  DROP CONSTRAINT downloads_state_check,
  ADD CONSTRAINT downloads_state_check
    CHECK (state IN ('queued', 'downloading', 'stalled', 'paused', 'completed',
                     'importing', 'imported', 'failed', 'removed')),
  DROP COLUMN stage_message,
  DROP COLUMN reported_status,
  DROP COLUMN last_progress_at,
  DROP COLUMN stalled_since,
  DROP COLUMN ratio,
  DROP COLUMN seeding_seconds,
  DROP COLUMN library_path,
  DROP COLUMN plex_refreshed_at,
  DROP COLUMN imported_at,
  DROP COLUMN client_removed_at,
  DROP COLUMN attempts,
  ALTER COLUMN torrent_hash SET NOT NULL,
  ALTER COLUMN source SET NOT NULL;
