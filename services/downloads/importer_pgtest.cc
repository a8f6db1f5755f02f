// The whole chain through the import, on real PostgreSQL, the qBittorrent
// double (which writes real files) and a temporary library folder: attached
// magnet -> torrent -> monitor -> import (renamed, transferred, recorded) ->
// Plex refresh -> request available; failures and resume after a crash.
#include "services/downloads/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/downloads/testing/chain_fixture.h"

namespace kiosk::downloads {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kHash[] = "5f36bfb78edbaf25157713166d2b8c37abeff28b";
constexpr char kRelease[] = "The.Matrix.1999.1080p.BluRay.x264-GRP";

class ImporterTest : public testing::ChainTest {
 protected:
  void SetUp() override {
    ChainTest::SetUp();
    importer_ = std::make_unique<Importer>(*store_, settings_, *clients_, media_, plex_, *chain_);
  }

  // Attached, added, downloaded and seen complete: the import job waits.
  Download Downloaded(testing::ReleaseSpec spec, const std::string& media_type = "movie") {
    const std::string name = spec.name;
    qbt_->RegisterRelease(kHash, std::move(spec));
    request_ = media_type == "tv" ? CreateRequest("tv", 1396, "Breaking Bad", 2008)
                                  : CreateRequest("movie", 603, "Matrix", 1999);
    EXPECT_THAT(chain_->Submit(request_, ""), IsOk());
    EXPECT_THAT(chain_->AttachRelease(request_, Magnet(kHash, media_type == "tv" ? name : kRelease)),
                IsOk());
    EXPECT_THAT(RunAdd(), IsOk());
    qbt_->Advance(absl::Seconds(60));
    EXPECT_THAT(Monitor(), IsOk());
    auto d = store_->List("", request_, 1, 0);
    EXPECT_EQ(d->at(0).state, kCompleted);
    return d->at(0);
  }
  absl::Status RunImport() {
    return RunDue(kImportJob, [this](const jobs::Job& job) { return importer_->Run(job); });
  }
  std::vector<std::filesystem::path> LibraryFiles() {
    std::vector<std::filesystem::path> out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root_ / "movies")) {
      if (entry.is_regular_file()) out.push_back(entry.path());
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  int64_t TransferRows() {
    pqxx::connection conn(db().conninfo());
    pqxx::read_transaction tx(conn);
    return tx.exec1("SELECT count(*) FROM downloads.transfer_history")[0].as<int64_t>();
  }

  static testing::ReleaseSpec MatrixRelease() {
    return {.name = kRelease,
            .files = {{std::string(kRelease) + ".mkv", 512 * 1024},
                      {"Sample/sample.mkv", 2 * 1024},
                      {std::string(kRelease) + ".nfo", 300},
                      {std::string(kRelease) + ".fr.srt", 4 * 1024}},
            .speed = 1 << 20};
  }

  int64_t request_ = 0;
  std::unique_ptr<Importer> importer_;
};

TEST_F(ImporterTest, AttachedMagnetEndsRenamedInTheLibraryRefreshedAndAvailable) {
  Download d = Downloaded(MatrixRelease());
  ASSERT_THAT(RunImport(), IsOk());

  // Real files, renamed, in the library: the video and its French subtitles.
  std::vector<std::filesystem::path> files = LibraryFiles();
  ASSERT_THAT(files, SizeIs(2)) << "sample and .nfo are not imported";
  const std::filesystem::path folder = root_ / "movies" / "Matrix (1999)";
  EXPECT_EQ(files[1].parent_path(), folder);
  EXPECT_EQ(files[1].extension(), ".mkv");
  EXPECT_THAT(files[1].filename().string(), HasSubstr("Matrix (1999)"));
  EXPECT_EQ(std::filesystem::file_size(files[1]), 512u * 1024);
  EXPECT_THAT(files[0].filename().string(), HasSubstr(".fr.srt"));

  auto imported = store_->Get(d.id);
  EXPECT_EQ(imported->state, kImported);
  EXPECT_EQ(imported->library_path, folder.string());
  EXPECT_TRUE(imported->plex_refreshed_at.has_value());

  // Plex asked to rescan that folder, expecting the title.
  auto refreshes = plex_.refreshes();
  ASSERT_THAT(refreshes, SizeIs(1));
  EXPECT_EQ(refreshes[0].path, folder.string());
  EXPECT_EQ(refreshes[0].expect.tmdb_id, 603);
  EXPECT_EQ(refreshes[0].expect.media_type, "movie");

  // The request moved forward to available, never back.
  EXPECT_EQ(media_.statuses(request_),
            (std::vector<std::string>{"processing", "importing", "available"}));

  // One history row per file, with the mode asked and used.
  auto history = store_->ListTransfers(d.id, 10, 0);
  ASSERT_THAT(history, IsOk());
  ASSERT_THAT(*history, SizeIs(2));
  for (const TransferRecord& t : *history) {
    EXPECT_EQ(t.status, "succeeded");
    EXPECT_EQ(t.mode_requested, "hardlink_or_copy");
    EXPECT_EQ(t.mode, "hardlink");  // same filesystem
    EXPECT_FALSE(t.fell_back);
    EXPECT_TRUE(std::filesystem::exists(t.destination_path));
  }
  EXPECT_EQ(CountEvents("transfer.done"), 2);
  // The import is done: a second run changes nothing.
  ASSERT_THAT(importer_->Run(jobs::Job{.id = 1, .kind = kImportJob,
                                       .payload = DownloadPayload(d.id)}),
              IsOk());
  EXPECT_EQ(TransferRows(), 2);
  EXPECT_THAT(plex_.refreshes(), SizeIs(1));
}

TEST_F(ImporterTest, CopyModeIsRecordedAndTheDownloadKeepsItsFiles) {
  ASSERT_THAT(store_->UpdateRenameSettings("movie", {.transfer_mode = "copy"}), IsOk());
  Download d = Downloaded(MatrixRelease());
  ASSERT_THAT(RunImport(), IsOk());
  auto history = store_->ListTransfers(d.id, 10, 0);
  ASSERT_THAT(*history, SizeIs(2));
  EXPECT_EQ(history->at(0).mode, "copy");
  EXPECT_TRUE(std::filesystem::exists(root_ / "downloads" / kRelease / (std::string(kRelease) + ".mkv")));
}

TEST_F(ImporterTest, ResumeAfterAnInterruptedImportDoesNotDuplicateTransfers) {
  Download d = Downloaded(MatrixRelease());
  // First run: files transferred, then Plex is down: the job fails after the
  // transfers (as if the worker died there).
  plex_.FailWith(absl::UnavailableError("kiosk-plex down"));
  EXPECT_THAT(RunImport(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store_->Get(d.id)->state, kImporting);
  EXPECT_EQ(TransferRows(), 2);
  EXPECT_EQ(CountEvents("transfer.done"), 2);
  // A worker killed mid-file leaves a running row: the next run takes it again.
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec("UPDATE downloads.transfer_history SET status = 'running', finished_at = NULL "
            "WHERE kind = 'subtitle'");
    tx.commit();
  }
  plex_.FailWith(absl::OkStatus());
  jobs::Job again{.id = 2, .kind = kImportJob, .payload = DownloadPayload(d.id)};
  again.attempts = 2;
  again.max_attempts = 8;
  ASSERT_THAT(importer_->Run(again), IsOk());
  EXPECT_EQ(TransferRows(), 2);
  EXPECT_EQ(CountEvents("transfer.done"), 3);  // the interrupted subtitle, once more, and only it
  EXPECT_THAT(LibraryFiles(), SizeIs(2));
  EXPECT_EQ(store_->Get(d.id)->state, kImported);
  EXPECT_THAT(plex_.refreshes(), SizeIs(1));
  EXPECT_EQ(media_.statuses(request_).back(), "available");
}

// Issue 10, TV progress: the import tells kiosk-media which episodes it
// placed (parsed per file), with the status; kiosk-media decides whether the
// series is available or partially so.
TEST_F(ImporterTest, SeriesImportReportsTheEpisodesItPlaced) {
  Download d = Downloaded({.name = "Breaking.Bad.S01.1080p.BluRay.x264-GRP",
                           .files = {{"Breaking.Bad.S01E01.1080p.BluRay.x264-GRP.mkv", 64 * 1024},
                                     {"Breaking.Bad.S01E02.1080p.BluRay.x264-GRP.mkv", 64 * 1024},
                                     {"Breaking.Bad.S01E03E04.1080p.BluRay.x264-GRP.mkv", 64 * 1024},
                                     {"Sample/sample.mkv", 1024}},
                           .speed = 1 << 20},
                          "tv");
  ASSERT_THAT(RunImport(), IsOk());
  EXPECT_EQ(store_->Get(d.id)->state, kImported);
  std::vector<ProgressReport> reports = media_.reports();
  ASSERT_FALSE(reports.empty());
  const ProgressReport& last = reports.back();
  EXPECT_EQ(last.status, "available");
  ASSERT_THAT(last.episodes_imported, SizeIs(1));
  EXPECT_EQ(last.episodes_imported[0].first, 1);
  EXPECT_EQ(last.episodes_imported[0].second, (std::vector<int>{1, 2, 3, 4}));
  // Only the import's last report carries them.
  for (size_t i = 0; i + 1 < reports.size(); ++i) EXPECT_TRUE(reports[i].episodes_imported.empty());
  int placed = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root_ / "tv")) {
    placed += entry.is_regular_file() ? 1 : 0;
  }
  EXPECT_EQ(placed, 3);
}

TEST_F(ImporterTest, FilmImportReportsNoEpisodes) {
  Download d = Downloaded(MatrixRelease());
  ASSERT_THAT(RunImport(), IsOk());
  EXPECT_TRUE(media_.reports().back().episodes_imported.empty());
  EXPECT_EQ(media_.reports().back().status, "available");
}

// qBittorrent in a container: it saves under /qbt/downloads, which is
// <root>/downloads here. qbittorrent.path_map maps downloads.path to its
// view for the add and its save_path back to ours for the import.
TEST_F(ImporterTest, QbittorrentPathMapTranslatesTheSavePathBothWays) {
  qbt_->Stop();
  qbt_ = std::make_unique<testing::QbittorrentDouble>(testing::QbittorrentDoubleOptions{
      .download_dir = "/qbt/downloads", .path_root = "/qbt/downloads",
      .disk_root = (root_ / "downloads").string()});
  ASSERT_THAT(qbt_->Start(), IsOk());
  settings_.Set("qbittorrent.url", qbt_->Url());
  settings_.Set("qbittorrent.path_map", absl::StrCat("/qbt/downloads=", (root_ / "downloads").string()));
  Download d = Downloaded(MatrixRelease());
  // qBittorrent was told its own path and reports it.
  ASSERT_TRUE(qbt_->Find(kHash).has_value());
  EXPECT_EQ(qbt_->Find(kHash)->save_path, "/qbt/downloads");
  EXPECT_EQ(d.save_path, "/qbt/downloads");
  EXPECT_TRUE(std::filesystem::exists(root_ / "downloads" / kRelease / (std::string(kRelease) + ".mkv")));
  ASSERT_THAT(RunImport(), IsOk());
  EXPECT_EQ(store_->Get(d.id)->state, kImported);
  EXPECT_THAT(LibraryFiles(), SizeIs(2));
  auto history = store_->ListTransfers(d.id, 10, 0);
  ASSERT_THAT(*history, SizeIs(2));
  for (const TransferRecord& t : *history) {
    EXPECT_THAT(t.source_path, HasSubstr((root_ / "downloads").string())) << "our path, not qBittorrent's";
  }
}

TEST_F(ImporterTest, WithoutThePathMapTheImportWaitsAndABadMapIsNamed) {
  qbt_->Stop();
  qbt_ = std::make_unique<testing::QbittorrentDouble>(testing::QbittorrentDoubleOptions{
      .download_dir = "/qbt/downloads", .path_root = "/qbt/downloads",
      .disk_root = (root_ / "downloads").string()});
  ASSERT_THAT(qbt_->Start(), IsOk());
  settings_.Set("qbittorrent.url", qbt_->Url());
  settings_.Set("qbittorrent.path_map", absl::StrCat("/qbt/downloads=", (root_ / "downloads").string()));
  Download d = Downloaded(MatrixRelease());
  // The map forgotten: qBittorrent's path does not exist here; nothing placed.
  settings_.Set("qbittorrent.path_map", "");
  EXPECT_FALSE(RunImport().ok());
  EXPECT_EQ(store_->Get(d.id)->state, kImporting);
  EXPECT_THAT(LibraryFiles(), SizeIs(0));
  // A map that cannot be read names the setting and what to write.
  settings_.Set("qbittorrent.path_map", "/qbt/downloads");
  jobs::Job again{.id = 9, .kind = kImportJob, .payload = DownloadPayload(d.id), .attempts = 1,
                  .max_attempts = 8};  // not the last attempt: it waits
  EXPECT_THAT(importer_->Run(again),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("qbittorrent.path_map")));
  EXPECT_THAT(store_->Get(d.id)->stage_message, HasSubstr("qbittorrent.path_map"));
  // Fixed: the import goes on.
  settings_.Set("qbittorrent.path_map", absl::StrCat("/qbt/downloads=", (root_ / "downloads").string()));
  ASSERT_THAT(importer_->Run(again), IsOk());
  EXPECT_EQ(store_->Get(d.id)->state, kImported);
}

TEST_F(ImporterTest, NoVideoFailsTheDownloadWithTheReason) {
  Download d = Downloaded({.name = "Nothing", .files = {{"readme.nfo", 100}, {"cover.jpg", 2000}}});
  ASSERT_THAT(RunImport(), IsOk());
  auto failed = store_->Get(d.id);
  EXPECT_EQ(failed->state, kFailed);
  EXPECT_THAT(failed->error, HasSubstr("no video"));
  EXPECT_EQ(media_.statuses(request_).back(), "failed");
  EXPECT_EQ(CountEvents("download.failed"), 1);
  EXPECT_THAT(LibraryFiles(), SizeIs(0));
}

TEST_F(ImporterTest, MissingLibraryRootWaitsAndNamesTheSetting) {
  settings_.Set("library.movies_path", nullptr);
  Download d = Downloaded(MatrixRelease());
  EXPECT_THAT(RunImport(), StatusIs(absl::StatusCode::kFailedPrecondition,
                                    HasSubstr("library.movies_path")));
  auto waiting = store_->Get(d.id);
  EXPECT_EQ(waiting->state, kImporting);
  EXPECT_THAT(waiting->stage_message, HasSubstr("library.movies_path"));
  EXPECT_EQ(TransferRows(), 0);
}

TEST_F(ImporterTest, ExistingDifferentFileIsNeverOverwritten) {
  Download d = Downloaded(MatrixRelease());
  ASSERT_THAT(RunImport(), IsOk());
  auto first = store_->ListTransfers(d.id, 10, 0);
  // The same title downloaded again with another file of the same name.
  std::filesystem::path video;
  for (const auto& t : *first) {
    if (t.kind == "video") video = t.destination_path;
  }
  {
    std::filesystem::remove(video);  // a hardlink: writing through it would change the source
    std::ofstream out(video, std::ios::trunc);
    out << "another file";
  }
  pqxx::connection conn(db().conninfo());
  pqxx::work tx(conn);
  tx.exec_params("UPDATE downloads.downloads SET state = 'completed' WHERE id = $1", d.id);
  tx.exec("DELETE FROM downloads.transfer_history");
  tx.commit();
  jobs::Job again{.id = 3, .kind = kImportJob, .payload = DownloadPayload(d.id)};
  ASSERT_THAT(importer_->Run(again), IsOk());
  auto failed = store_->Get(d.id);
  EXPECT_EQ(failed->state, kFailed);
  EXPECT_FALSE(failed->error.empty());
  std::ifstream in(video);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "another file");
}

// Nothing run by hand: started job workers, a double whose time runs by
// itself (sped up), monitor passes every 50 ms. Waits (bounded) for the end
// state; asserts what happened, never how long it took.
TEST_F(ImporterTest, StartedWorkersRunTheWholeChainByThemselves) {
  testing::QbittorrentDouble live({.download_dir = (root_ / "downloads").string(),
                                   .metadata_time = absl::Seconds(1),
                                   .realtime = true,
                                   .time_scale = 20});
  ASSERT_THAT(live.Start(), IsOk());
  testing::ReleaseSpec slow = MatrixRelease();
  slow.speed = 64 * 1024;  // about 8 simulated seconds: several passes see it move
  live.RegisterRelease(kHash, slow);
  settings_.Set("qbittorrent.url", live.Url());
  jobs::RuntimeOptions options;
  options.workers.threads = 3;
  options.workers.poll_interval = absl::Milliseconds(50);
  options.workers.backoff_base = absl::Milliseconds(50);
  options.workers.backoff_max = absl::Milliseconds(200);
  options.workers.listen_conninfo = db().conninfo();
  jobs::JobRuntime runtime(*pool_, "downloads", options);
  ChainOptions chain_options;
  chain_options.monitor_interval = absl::Milliseconds(50);
  DownloadChain chain(*store_, settings_, *clients_, media_, chain_options);
  Importer importer(*store_, settings_, *clients_, media_, plex_, chain);
  chain.Register(runtime);
  importer.Register(runtime);
  ASSERT_THAT(runtime.Start(), IsOk());

  request_ = CreateRequest("movie", 603, "Matrix", 1999);
  ASSERT_THAT(chain.Submit(request_, ""), IsOk());
  ASSERT_THAT(chain.AttachRelease(request_, Magnet(kHash, kRelease)), IsOk());
  Download d;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  do {
    absl::SleepFor(absl::Milliseconds(50));
    d = store_->List("", request_, 1, 0)->at(0);
  } while (d.state != kImported && d.state != kFailed && absl::Now() < give_up);
  runtime.Shutdown(absl::Seconds(2));
  live.Stop();

  ASSERT_EQ(d.state, kImported) << d.error << " / " << d.stage_message;
  EXPECT_THAT(LibraryFiles(), SizeIs(2));
  EXPECT_THAT(plex_.refreshes(), SizeIs(1));
  std::vector<std::string> statuses = media_.statuses(request_);
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.front(), "processing");
  EXPECT_EQ(statuses.back(), "available");
  bool saw_progress = false;
  for (const ProgressReport& r : media_.reports()) saw_progress |= r.percent > 0 && r.percent < 100;
  EXPECT_TRUE(saw_progress) << "the request showed progress while downloading";
}

}  // namespace
}  // namespace kiosk::downloads
