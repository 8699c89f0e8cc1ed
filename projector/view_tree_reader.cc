#include "projector/view_tree_reader.h"

#include <rocksdb/db.h>

#include <filesystem>

#include "projector/view_trees.h"

namespace wit {

StatusOr<std::unique_ptr<ViewTreeReader>> ViewTreeReader::Open(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT", ec)) {
    return Status::NotFound("no view in " + dir);
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(rocksdb::Options(), dir, &raw);
  if (!s.ok()) return Status::NotFound("cannot read the view " + dir + ": " + s.ToString());
  return std::unique_ptr<ViewTreeReader>(new ViewTreeReader(std::unique_ptr<rocksdb::DB>(raw)));
}

ViewTreeReader::ViewTreeReader(std::unique_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

ViewTreeReader::~ViewTreeReader() {
  if (db_) db_->Close().PermitUncheckedError();
}

MerkleNodeReader ViewTreeReader::Nodes(const std::string& stream) const {
  return StoredTreeNodes(db_.get(), stream);
}

}  // namespace wit
