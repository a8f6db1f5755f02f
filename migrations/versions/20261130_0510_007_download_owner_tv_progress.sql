-- revision: 007
-- down_revision: 006
-- message: download owner and tv progress
-- created: 2026-11-30 05:10 Europe/Paris
--
-- Two things of issue 10:
-- * the owner of a download (the user whose request it serves), so a user
--   reads the downloads of his own requests; filled for existing rows from
--   their request. No foreign key to users.users: the request's own foreign
--   key already removes the download with the user.
-- * per-episode progress of a series request: how many episodes the request
--   covers (explicit episodes, or every episode of the requested seasons or
--   of the whole series as TMDB lists them; 0 = a film or not known yet) and
--   which of them are in (imported by kiosk-downloads or found in Plex by
--   kiosk-plex), in the shape of requested_seasons:
--   [{"season": 1, "episodes": [1, 2]}, ...].

-- +upgrade
ALTER TABLE downloads.downloads ADD COLUMN user_id bigint CHECK (user_id > 0);
UPDATE downloads.downloads d SET user_id = r.user_id
  FROM media.media_requests r WHERE r.id = d.request_id;
CREATE INDEX downloads_user_idx ON downloads.downloads (user_id, id DESC);

ALTER TABLE media.media_requests
  ADD COLUMN episodes_requested integer NOT NULL DEFAULT 0 CHECK (episodes_requested >= 0),
  ADD COLUMN available_episodes jsonb NOT NULL DEFAULT '[]'::jsonb
    CHECK (jsonb_typeof(available_episodes) = 'array');

-- +downgrade
ALTER TABLE media.media_requests
  DROP COLUMN available_episodes,
  DROP COLUMN episodes_requested;
DROP INDEX downloads.downloads_user_idx;
ALTER TABLE downloads.downloads DROP COLUMN user_id;
