// Test-only: a whole local ledger (signed embedded log, view, projector, sync use recorder and
// TokenService) in a fresh temp dir, for the api/ unit tests.
#ifndef WIT_API_LEDGER_FIXTURE_FOR_TEST_H_
#define WIT_API_LEDGER_FIXTURE_FOR_TEST_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "api/metrics.h"
#include "api/token_service.h"
#include "api/use_recorder.h"
#include "base/random.h"
#include "ledger/embedded_event_log.h"
#include "projector/projector.h"

namespace wit {

class LedgerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("wit-ledger-" + NewUuid());
    std::filesystem::create_directories(dir_);
    auto auth = std::make_shared<const EventAuthenticator>(RandomBytes(32));
    auto log = EmbeddedEventLog::Open((dir_ / "log").string(), auth);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
    auto view = TokenView::Open((dir_ / "view").string());
    ASSERT_TRUE(view.ok()) << view.status().ToString();
    view_ = std::move(*view);
    projector_ = std::make_unique<Projector>(log_.get(), view_.get(), auth);
    ASSERT_TRUE(projector_->Start().ok());
    uses_ = std::make_unique<UseRecorder>(log_.get(), UseRecorder::Mode::kSync, &metrics_);
    service_ = std::make_unique<TokenService>(log_.get(), view_.get(), uses_.get(), &metrics_);
  }
  void TearDown() override {
    service_.reset();
    uses_.reset();
    projector_.reset();
    view_.reset();
    log_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  Metrics metrics_;
  std::unique_ptr<EmbeddedEventLog> log_;
  std::unique_ptr<TokenView> view_;
  std::unique_ptr<Projector> projector_;
  std::unique_ptr<UseRecorder> uses_;
  std::unique_ptr<TokenService> service_;
};

}  // namespace wit

#endif  // WIT_API_LEDGER_FIXTURE_FOR_TEST_H_
