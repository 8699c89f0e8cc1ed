#include "base/text_table.h"

#include <gtest/gtest.h>

namespace wit {
namespace {

TEST(TextTableTest, ColumnsAreAsWideAsTheirWidestCellPlusThreeSpaces) {
  TextTable t({"ID", "Name", "Expires"});
  t.AddRow({"550e8400-e29b-41d4-a716-446655440000", "ci-token", "in 30 days"});
  t.AddRow({"660f9500-f30c-52e5-b827-557766550111", "deploy-token", "Never"});
  EXPECT_EQ(t.Render(),
            "ID                                     Name           Expires\n"
            "550e8400-e29b-41d4-a716-446655440000   ci-token       in 30 days\n"
            "660f9500-f30c-52e5-b827-557766550111   deploy-token   Never\n");
}

TEST(TextTableTest, HeaderWiderThanCells) {
  TextTable t({"Last Used", "X"});
  t.AddRow({"Never", "y"});
  EXPECT_EQ(t.Render(), "Last Used   X\nNever       y\n");
}

TEST(TextTableTest, NoTrailingSpacesAndMissingCells) {
  TextTable t({"A", "B"});
  t.AddRow({"long value"});
  EXPECT_EQ(t.Render(), "A            B\nlong value\n");
}

TEST(TextTableTest, CountsUtf8Characters) {
  TextTable t({"Name", "X"});
  t.AddRow({"d\xC3\xA9ploy", "1"});  // "déploy": 6 characters, 7 bytes
  EXPECT_EQ(t.Render(), "Name     X\nd\xC3\xA9ploy   1\n");
  EXPECT_EQ(DisplayWidth("d\xC3\xA9ploy"), 6u);
}

TEST(JoinCellsTest, PutsTheSeparatorBetweenItemsOnly) {
  EXPECT_EQ(JoinCells({"repo:read", "repo:write"}, ","), "repo:read,repo:write");
  EXPECT_EQ(JoinCells({"one"}, ", "), "one");
  EXPECT_EQ(JoinCells({}, ","), "");
  EXPECT_EQ(JoinCells({"", "b"}, " "), " b");
}

TEST(ForTerminalTest, ReplacesControlCharacters) {
  EXPECT_EQ(ForTerminal("a\x1b[2Jb"), "a?[2Jb");
  EXPECT_EQ(ForTerminal("x\xC2\x9B"
                        "1m"),
            "x?1m");  // U+009B, the 8-bit CSI
  EXPECT_EQ(ForTerminal("d\xC3\xA9ploy"), "d\xC3\xA9ploy");
}

}  // namespace
}  // namespace wit
