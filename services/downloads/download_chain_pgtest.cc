// The download chain up to the import, on real PostgreSQL and the
// qBittorrent double over real HTTP: requests taken in charge, releases,
// the add (category, tags, no duplicate after a crash), the monitor (one
// torrents/info call, progress and stages told to kiosk-media, stall, error,
// vanished torrents), retries and the cleanup.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/downloads/testing/chain_fixture.h"

namespace kiosk::downloads {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHash[] = "5f36bfb78edbaf25157713166d2b8c37abeff28b";
constexpr char kHash2[] = "1111111111111111111111111111111111111111";

class DownloadChainTest : public testing::ChainTest {
 protected:
  // A request with an attached release, added to qBittorrent.
  Download Started(testing::ReleaseSpec spec, const std::string& hash = kHash) {
    qbt_->RegisterRelease(hash, std::move(spec));
    int64_t request = CreateRequest();
    EXPECT_THAT(chain_->Submit(request, Magnet(hash, "Matrix.1999")), IsOk());
    EXPECT_THAT(RunAdd(), IsOk());
    auto d = store_->List("", request, 1, 0);
    return (*d)[0];
  }
};

TEST_F(DownloadChainTest, SubmitWithoutReleaseAwaitsOneAndIsIdempotent) {
  int64_t request = CreateRequest();
  auto first = chain_->Submit(request, "");
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->state, kAwaitingRelease);
  EXPECT_EQ(first->torrent_hash, "");
  auto second = chain_->Submit(request, Magnet(kHash, "x"));
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(second->id, first->id);
  EXPECT_EQ(second->state, kAwaitingRelease);  // the existing download, unchanged
  EXPECT_EQ(CountJobs(kAddTorrentJob), 0);
  ASSERT_FALSE(media_.reports().empty());
  EXPECT_EQ(media_.reports().back().stage, kAwaitingRelease);
}

TEST_F(DownloadChainTest, SubmitForAnUnknownRequestFails) {
  EXPECT_THAT(chain_->Submit(999, ""), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                HasSubstr("request 999")));
  EXPECT_THAT(chain_->Submit(0, ""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(DownloadChainTest, SubmitRecordsTheOwnerGivenOrAskedOfKioskMedia) {
  const int64_t asked = CreateRequest("movie", 603);
  auto d = chain_->Submit(asked, "");  // no owner given: kiosk-media names him
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->user_id, 1);
  EXPECT_EQ(store_->Get(d->id)->user_id, 1);
  const int64_t given = CreateRequest("movie", 604);
  media_.FailWith(absl::UnavailableError("kiosk-media down"));
  auto handed = chain_->Submit(given, "", 1);  // given: kiosk-media not needed
  ASSERT_THAT(handed, IsOk());
  EXPECT_EQ(handed->user_id, 1);
  const int64_t unknown_owner = CreateRequest("movie", 605);
  EXPECT_THAT(chain_->Submit(unknown_owner, ""), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(chain_->Submit(unknown_owner, "", -1), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(DownloadChainTest, AttachReleaseAddsTheTorrentWithOurCategoryAndTags) {
  int64_t request = CreateRequest();
  ASSERT_THAT(chain_->Submit(request, ""), IsOk());
  auto attached = chain_->AttachRelease(request, Magnet(kHash, "Matrix.1999"));
  ASSERT_THAT(attached, IsOk());
  EXPECT_EQ(attached->state, kQueued);
  ASSERT_THAT(RunAdd(), IsOk());
  auto torrent = qbt_->Find(kHash);
  ASSERT_TRUE(torrent.has_value());
  EXPECT_EQ(torrent->category, "plex-kiosk");
  EXPECT_EQ(torrent->tags, absl::StrCat("plex-kiosk,request-", request));
  EXPECT_EQ(torrent->save_path, (root_ / "downloads").string());
  EXPECT_DOUBLE_EQ(torrent->ratio_limit, 1.0);  // downloads.seed_ratio
  auto d = store_->Get(attached->id);
  EXPECT_EQ(d->torrent_hash, kHash);
  EXPECT_EQ(d->name, "Matrix.1999");
  EXPECT_THAT(media_.statuses(request), ElementsAre("processing"));
  EXPECT_EQ(CountJobs(kMonitorJob), 1);  // the monitor starts following it
}

TEST_F(DownloadChainTest, AttachReleaseBeforeTheHandOverTakesTheApprovedRequest) {
  int64_t request = CreateRequest();  // approved; kiosk-media's job has not submitted it yet
  auto attached = chain_->AttachRelease(request, Magnet(kHash, "Matrix.1999"));
  ASSERT_THAT(attached, IsOk());
  EXPECT_EQ(attached->state, kQueued);
  // The job's hand-over then answers the same download.
  auto submitted = chain_->Submit(request, "");
  ASSERT_THAT(submitted, IsOk());
  EXPECT_EQ(submitted->id, attached->id);
  EXPECT_EQ(CountJobs(kAddTorrentJob), 1);
}

TEST_F(DownloadChainTest, AttachReleaseErrorsSayWhatIsWrong) {
  int64_t request = CreateRequest();
  RequestInfo pending = *media_.GetRequest(request);
  pending.status = "pending";
  media_.Put(pending);
  EXPECT_THAT(chain_->AttachRelease(request, Magnet(kHash, "x")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("approved")));
  pending.status = "approved";
  media_.Put(pending);
  ASSERT_THAT(chain_->Submit(request, ""), IsOk());
  EXPECT_THAT(chain_->AttachRelease(request, "ftp://x/y"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("magnet")));
  EXPECT_THAT(chain_->AttachRelease(request, "magnet:?xt=urn:btih:abc"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_THAT(chain_->AttachRelease(request, Magnet(kHash, "x")), IsOk());
  EXPECT_THAT(chain_->AttachRelease(request, Magnet(kHash2, "y")),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("RetryDownload")));
}

TEST_F(DownloadChainTest, AddAfterACrashDoesNotAddTwice) {
  int64_t request = CreateRequest();
  ASSERT_THAT(chain_->Submit(request, Magnet(kHash, "Matrix")), IsOk());
  // The previous attempt reached qBittorrent, then the worker died.
  auto client = clients_->For(*settings_.Get({"qbittorrent.url", "qbittorrent.username",
                                              "qbittorrent.password"}));
  ASSERT_THAT((*client)->Add({.source = Magnet(kHash, "Matrix"), .save_path = "/x"}), IsOk());
  ASSERT_EQ(qbt_->add_calls(), 1);
  ASSERT_THAT(RunAdd(), IsOk());
  EXPECT_EQ(qbt_->add_calls(), 1);
  EXPECT_EQ(qbt_->torrent_count(), 1u);
  EXPECT_EQ(store_->List("", request, 1, 0)->at(0).torrent_hash, kHash);
}

TEST_F(DownloadChainTest, ClientDownLeavesTheDownloadQueuedAndTheJobRetries) {
  int64_t request = CreateRequest();
  ASSERT_THAT(chain_->Submit(request, Magnet(kHash, "Matrix")), IsOk());
  qbt_->Stop();
  EXPECT_THAT(RunAdd(), StatusIs(absl::StatusCode::kUnavailable));
  auto d = store_->List("", request, 1, 0)->at(0);
  EXPECT_EQ(d.state, kQueued);
  EXPECT_THAT(d.stage_message, HasSubstr("waiting"));
  EXPECT_EQ(CountJobs(kAddTorrentJob, "failed"), 1);  // waits for its retry
}

TEST_F(DownloadChainTest, UnconfiguredQbittorrentNamesTheSetting) {
  settings_.Set("qbittorrent.url", nullptr);
  int64_t request = CreateRequest();
  ASSERT_THAT(chain_->Submit(request, Magnet(kHash, "Matrix")), IsOk());
  EXPECT_THAT(RunAdd(), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("qbittorrent.url")));
}

TEST_F(DownloadChainTest, MonitorFollowsProgressAndQueuesTheImportOnCompletion) {
  Download d = Started({.name = "Matrix.1999", .files = {{"Matrix.1999.mkv", 64 * 1024}},
                        .speed = 16 * 1024});
  qbt_->Advance(absl::Seconds(1));  // metadata
  ASSERT_THAT(Monitor(), IsOk());
  qbt_->Advance(absl::Seconds(2));
  ASSERT_THAT(Monitor(), IsOk());
  auto mid = store_->Get(d.id);
  EXPECT_EQ(mid->state, kDownloading);
  EXPECT_GT(mid->progress, 0.0);
  EXPECT_LT(mid->progress, 1.0);
  EXPECT_EQ(mid->download_speed, 16 * 1024);
  EXPECT_GT(mid->eta_seconds, 0);
  EXPECT_EQ(mid->client_state, "downloading");
  EXPECT_EQ(CountJobs(kMonitorJob, "queued"), 1);  // at most one next pass waits
  qbt_->Advance(absl::Seconds(10));
  ASSERT_THAT(Monitor(), IsOk());
  auto done = store_->Get(d.id);
  EXPECT_EQ(done->state, kCompleted);
  EXPECT_DOUBLE_EQ(done->progress, 1.0);
  EXPECT_EQ(done->content_path, (root_ / "downloads" / "Matrix.1999").string());
  EXPECT_TRUE(done->completed_at.has_value());
  EXPECT_EQ(CountJobs(kImportJob), 1);
  EXPECT_THAT(media_.statuses(d.request_id), ElementsAre("processing", "downloading", "importing"));
  const auto reports = media_.reports();
  bool saw_percent = false;
  for (const auto& r : reports) saw_percent |= r.percent > 0 && r.percent < 100;
  EXPECT_TRUE(saw_percent);
  // ONE torrents/info call per pass, for every hash at once.
  size_t info_calls = 0;
  for (const auto& r : qbt_->server().requests()) info_calls += r.path == "/api/v2/torrents/info";
  EXPECT_EQ(info_calls, 3u);
}

// Seconds until the waiting monitor pass runs (the job's run_after).
double NextMonitorPassIn(const std::string& conninfo) {
  pqxx::connection conn(conninfo);
  pqxx::read_transaction tx(conn);
  return tx.exec1("SELECT extract(epoch FROM min(run_after) - now())::float8 FROM downloads.jobs "
                  "WHERE kind = 'download_monitor' AND status = 'queued'")[0]
      .as<double>();
}

TEST_F(DownloadChainTest, TheNextPassComesSoonerWhenADownloadIsAboutToFinish) {
  // Only the pass under test decides when the next one runs (an add queues
  // an immediate pass of its own).
  auto forget_passes = [this] {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec0("DELETE FROM downloads.jobs WHERE kind = 'download_monitor'");
    tx.commit();
  };
  // 64 KiB at 1 KiB/s: about a minute left, the usual 5 s interval.
  Started({.name = "Slow", .files = {{"Slow.mkv", 64 * 1024}}, .speed = 1024});
  qbt_->Advance(absl::Seconds(2));
  forget_passes();
  ASSERT_THAT(Monitor(), IsOk());
  EXPECT_GT(NextMonitorPassIn(db().conninfo()), 4.0);
  // Another one, two seconds from done: the next pass comes when it is.
  qbt_->RegisterRelease(kHash2, {.name = "Fast", .files = {{"Fast.mkv", 64 * 1024}}, .speed = 16 * 1024});
  ASSERT_THAT(chain_->Submit(CreateRequest("movie", 604, "Fast", 2003), Magnet(kHash2, "Fast")), IsOk());
  ASSERT_THAT(RunAdd(), IsOk());
  qbt_->Advance(absl::Seconds(3));
  forget_passes();
  ASSERT_THAT(Monitor(), IsOk());
  const double next = NextMonitorPassIn(db().conninfo());
  EXPECT_GT(next, 0.5);
  EXPECT_LT(next, 3.5);
}

TEST_F(DownloadChainTest, CheckingWithProgressOneIsNotComplete) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 1024}}, .check_time = absl::Seconds(30)});
  qbt_->Advance(absl::Seconds(3));
  ASSERT_THAT(Monitor(), IsOk());
  auto now = store_->Get(d.id);
  EXPECT_EQ(now->client_state, "checkingUP");
  EXPECT_EQ(now->state, kQueued);
  EXPECT_EQ(CountJobs(kImportJob), 0);
}

TEST_F(DownloadChainTest, NoProgressForLongerThanTheSettingIsStalled) {
  settings_.Set("downloads.stall_minutes", 5);
  Download d = Started({.name = "M", .files = {{"M.mkv", 64 * 1024}}, .speed = 16 * 1024,
                        .stall_at = 0.25});
  qbt_->Advance(absl::Seconds(5));
  ASSERT_THAT(Monitor(), IsOk());
  EXPECT_EQ(store_->Get(d.id)->state, kDownloading);  // stalledDL, but not for long
  EXPECT_THAT(store_->Get(d.id)->stage_message, HasSubstr("no connections"));
  clock_offset_ = absl::Minutes(6);
  qbt_->Advance(absl::Seconds(5));
  ASSERT_THAT(Monitor(), IsOk());
  auto stalled = store_->Get(d.id);
  EXPECT_EQ(stalled->state, kStalled);
  EXPECT_THAT(stalled->stage_message, HasSubstr("stalled: no data for"));
  EXPECT_TRUE(stalled->stalled_since.has_value());
  EXPECT_EQ(media_.reports().back().stage, kStalled);
}

TEST_F(DownloadChainTest, ErrorStateFailsWithTheReasonAndEmitsDownloadFailed) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 64 * 1024}}, .error_at = 0.1});
  qbt_->Advance(absl::Seconds(5));
  ASSERT_THAT(Monitor(), IsOk());
  auto failed = store_->Get(d.id);
  EXPECT_EQ(failed->state, kFailed);
  EXPECT_THAT(failed->error, HasSubstr("qBittorrent is reporting an error"));
  EXPECT_EQ(CountEvents("download.failed"), 1);
  EXPECT_EQ(media_.statuses(d.request_id).back(), "failed");
  EXPECT_THAT(media_.reports().back().reason, HasSubstr("reporting an error"));
  // A failed download is no longer followed.
  ASSERT_THAT(Monitor(), IsOk());
  EXPECT_EQ(CountEvents("download.failed"), 1);
}

TEST_F(DownloadChainTest, MissingFilesFails) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 1024}}, .missing_files_when_done = true});
  qbt_->Advance(absl::Seconds(5));
  ASSERT_THAT(Monitor(), IsOk());
  EXPECT_THAT(store_->Get(d.id)->error, HasSubstr("missing files"));
}

TEST_F(DownloadChainTest, TorrentRemovedInTheClientFailsInsteadOfStaying) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 64 * 1024}}});
  qbt_->Vanish(kHash);
  ASSERT_THAT(Monitor(), IsOk());
  auto failed = store_->Get(d.id);
  EXPECT_EQ(failed->state, kFailed);
  EXPECT_THAT(failed->error, HasSubstr("removed from qBittorrent"));
}

TEST_F(DownloadChainTest, MonitorWithClientDownFailsThePassAndKeepsTheDownloads) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 64 * 1024}}});
  qbt_->Stop();
  EXPECT_THAT(Monitor(), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(store_->Get(d.id)->state, kQueued);
}

TEST_F(DownloadChainTest, MonitorWithNothingActiveCallsNobody) {
  ASSERT_THAT(Monitor(), IsOk());
  EXPECT_EQ(qbt_->server().request_count(), 0u);
  EXPECT_EQ(CountJobs(kMonitorJob), 0);
}

TEST_F(DownloadChainTest, MediaDownDoesNotStopTheChain) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 1024}}});
  media_.FailWith(absl::UnavailableError("kiosk-media down"));
  qbt_->Advance(absl::Seconds(5));
  ASSERT_THAT(Monitor(), IsOk());
  EXPECT_EQ(store_->Get(d.id)->state, kCompleted);
}

TEST_F(DownloadChainTest, RetryStartsAFailedDownloadAgainWithANewRelease) {
  Download d = Started({.name = "M", .files = {{"M.mkv", 1024}}, .error_at = 0.0});
  EXPECT_THAT(chain_->Retry(d.id, ""), StatusIs(absl::StatusCode::kFailedPrecondition,
                                                HasSubstr("only failed or removed")));
  qbt_->Advance(absl::Seconds(3));
  ASSERT_THAT(Monitor(), IsOk());
  ASSERT_EQ(store_->Get(d.id)->state, kFailed);
  qbt_->RegisterRelease(kHash2, {.name = "M2", .files = {{"M2.mkv", 1024}}});
  auto retried = chain_->Retry(d.id, Magnet(kHash2, "M2"));
  ASSERT_THAT(retried, IsOk());
  EXPECT_EQ(retried->state, kQueued);
  EXPECT_EQ(retried->attempts, 1);
  EXPECT_EQ(retried->torrent_hash, "");
  ASSERT_THAT(RunAdd(), IsOk());
  EXPECT_EQ(store_->Get(d.id)->torrent_hash, kHash2);
  EXPECT_THAT(chain_->Retry(12345, ""), StatusIs(absl::StatusCode::kNotFound));
}

// An imported download (as the import leaves it) with one transfer row.
void MarkImported(const std::string& conninfo, int64_t id, const std::string& mode) {
  pqxx::connection conn(conninfo);
  pqxx::work tx(conn);
  tx.exec_params("UPDATE downloads.downloads SET state = 'imported', imported_at = now() "
                 "WHERE id = $1", id);
  tx.exec_params("INSERT INTO downloads.transfer_history (download_id, source_path, "
                 "destination_path, mode, status, finished_at) VALUES ($1, '/d/M.mkv', "
                 "'/l/M.mkv', $2, 'succeeded', now())", id, mode);
  tx.commit();
}

TEST_F(DownloadChainTest, CleanupRemovesSeededTorrentsKeepingHardlinkedFiles) {
  settings_.Set("downloads.seed_ratio", 2.0);
  Download d = Started({.name = "M", .files = {{"M.mkv", 64 * 1024}}, .speed = 64 * 1024});
  qbt_->Advance(absl::Seconds(3));
  MarkImported(db().conninfo(), d.id, "hardlink");
  jobs::Job job;
  ASSERT_THAT(chain_->Cleanup(job), IsOk());
  EXPECT_EQ(qbt_->torrent_count(), 1u);  // ratio not reached yet
  qbt_->Advance(absl::Seconds(10));
  ASSERT_THAT(chain_->Cleanup(job), IsOk());
  EXPECT_EQ(qbt_->torrent_count(), 0u);
  std::vector<std::string> deletes;
  for (const auto& r : qbt_->server().requests()) {
    if (r.path == "/api/v2/torrents/delete") deletes.push_back(r.FormParams().find("deleteFiles")->second);
  }
  EXPECT_THAT(deletes, ElementsAre("false"));
  EXPECT_TRUE(std::filesystem::exists(root_ / "downloads" / "M" / "M.mkv"));
  EXPECT_TRUE(store_->Get(d.id)->client_removed_at.has_value());
}

TEST_F(DownloadChainTest, CleanupDeletesCopiedFilesAndPrunesOldHistory) {
  settings_.Set("downloads.seed_ratio", 0);
  settings_.Set("downloads.history_days", 1);
  Download d = Started({.name = "M", .files = {{"M.mkv", 1024}}});
  qbt_->Advance(absl::Seconds(3));
  MarkImported(db().conninfo(), d.id, "copy");
  {
    pqxx::connection conn(db().conninfo());
    pqxx::work tx(conn);
    tx.exec_params("INSERT INTO downloads.transfer_history (download_id, source_path, "
                   "destination_path, mode, status, started_at, finished_at) VALUES ($1, '/old', "
                   "'/l/old', 'copy', 'succeeded', now() - interval '3 days', now() - interval "
                   "'3 days')", d.id);
    tx.commit();
  }
  jobs::Job job;
  ASSERT_THAT(chain_->Cleanup(job), IsOk());
  EXPECT_EQ(qbt_->torrent_count(), 0u);
  EXPECT_FALSE(std::filesystem::exists(root_ / "downloads" / "M"));
  auto history = store_->ListTransfers(d.id, 10, 0);
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->at(0).source_path, "/d/M.mkv");
}

TEST_F(DownloadChainTest, CleanupKeepsTorrentsWhenRemovalIsOff) {
  settings_.Set("downloads.remove_torrents", false);
  Download d = Started({.name = "M", .files = {{"M.mkv", 1024}}});
  qbt_->Advance(absl::Seconds(30));
  MarkImported(db().conninfo(), d.id, "copy");
  jobs::Job job;
  ASSERT_THAT(chain_->Cleanup(job), IsOk());
  EXPECT_EQ(qbt_->torrent_count(), 1u);
}

}  // namespace
}  // namespace kiosk::downloads
