#ifndef WIT_BASE_TEXT_TABLE_H_
#define WIT_BASE_TEXT_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

namespace wit {

// TextTable lays out rows under a header line in left-aligned columns. Each column is as wide
// as its widest cell or header, counted in UTF-8 characters; columns are separated by three
// spaces and no line has trailing spaces.
//
//   TextTable t({"ID", "Name"});
//   t.AddRow({"550e8400-...", "ci-token"});
//   std::cout << t.Render();
class TextTable {
 public:
  explicit TextTable(std::vector<std::string> headers);

  // AddRow appends a row; missing cells are empty and extra cells are dropped.
  void AddRow(std::vector<std::string> cells);

  // Render returns the header line and every row, each ending in '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// JoinCells joins `items` with `sep` between them: {"a", "b"}, ", " gives "a, b".
std::string JoinCells(const std::vector<std::string>& items, std::string_view sep);

// DisplayWidth counts the UTF-8 characters of `s` (continuation bytes do not count).
size_t DisplayWidth(const std::string& s);

// ForTerminal replaces control characters (C0, DEL and the C1 range U+0080..U+009F) with '?',
// so that text from the server cannot move the cursor or change the terminal's state.
std::string ForTerminal(const std::string& s);

}  // namespace wit

#endif  // WIT_BASE_TEXT_TABLE_H_
