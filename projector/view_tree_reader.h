#ifndef WIT_PROJECTOR_VIEW_TREE_READER_H_
#define WIT_PROJECTOR_VIEW_TREE_READER_H_

#include <memory>
#include <string>

#include "base/status.h"
#include "ledger/merkle.h"

namespace rocksdb {
class DB;
}

namespace wit {

// ViewTreeReader reads the streams' tree nodes (projector/view_trees.h) from a view on disk,
// without writing to it or locking it (RocksDB's read-only mode), so beside a running witd too:
// for wit-audit to build proofs offline. It sees what the view last flushed to disk, which with
// witd running may be some records behind; a node it lacks is NotFound. Nothing it reads is
// trusted: proofs built from it are checked against a signed root. Thread-compatible.
class ViewTreeReader {
 public:
  // Open opens the view in `dir`; NotFound when there is none.
  static StatusOr<std::unique_ptr<ViewTreeReader>> Open(const std::string& dir);
  ~ViewTreeReader();
  ViewTreeReader(const ViewTreeReader&) = delete;
  ViewTreeReader& operator=(const ViewTreeReader&) = delete;

  // Nodes reads `stream`'s nodes. The reader must not outlive this object.
  MerkleNodeReader Nodes(const std::string& stream) const;

 private:
  explicit ViewTreeReader(std::unique_ptr<rocksdb::DB> db);
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace wit

#endif  // WIT_PROJECTOR_VIEW_TREE_READER_H_
