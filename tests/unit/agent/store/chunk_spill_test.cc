#include "agent/store/chunk_spill.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <numeric>
#include <optional>
#include <vector>

#include "tests/support/temp_dir.h"

using vitals::detail::Chunk;
using vitals::detail::ChunkSpill;
using vitals::testing::TempDir;

namespace {

std::vector<std::uint8_t> pattern(std::size_t size, std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(size);
  std::iota(bytes.begin(), bytes.end(), seed);
  return bytes;
}

bool same(const Chunk& chunk, const std::vector<std::uint8_t>& bytes) {
  return std::equal(chunk.bytes.begin(), chunk.bytes.end(), bytes.begin(), bytes.end());
}

}  // namespace

TEST_CASE("spilled chunks read back as written, across segments, and leave no file behind") {
  TempDir dir;
  auto spill = ChunkSpill::open(dir.path().string(), 4096);
  REQUIRE(spill);
  std::vector<Chunk> chunks;
  std::vector<std::vector<std::uint8_t>> written;
  for (int i = 0; i < 100; ++i) {  // 100 x 300 bytes: eight segments of 4 KiB
    written.push_back(pattern(300, static_cast<std::uint8_t>(i)));
    auto chunk = spill->keep(i * 1000, i * 1000 + 999, written.back());
    REQUIRE(chunk);
    CHECK(chunk->min_t == i * 1000);
    CHECK(chunk->max_t == i * 1000 + 999);
    chunks.push_back(std::move(*chunk));
  }
  for (int i = 0; i < 100; ++i) CHECK(same(chunks[i], written[i]));
  CHECK(spill->bytes() == 100 * 300);
  CHECK(std::filesystem::is_empty(dir.path()));  // scratch files have no name

  // Pages handed back are read again from the page cache, unchanged.
  spill->release_pages();
  for (int i = 0; i < 100; ++i) CHECK(same(chunks[i], written[i]));
}

TEST_CASE("a segment goes once the last chunk in it is dropped") {
  TempDir dir;
  auto spill = ChunkSpill::open(dir.path().string(), 1000);
  REQUIRE(spill);
  std::vector<Chunk> chunks;
  for (int i = 0; i < 6; ++i) {  // two chunks of 400 bytes a segment
    auto chunk = spill->keep(i, i, pattern(400, 1));
    REQUIRE(chunk);
    chunks.push_back(std::move(*chunk));
  }
  CHECK(spill->bytes() == 2400);
  chunks.erase(chunks.begin());  // its segment still holds the second chunk
  CHECK(spill->bytes() == 2400);
  chunks.erase(chunks.begin());
  CHECK(spill->bytes() == 1600);
  // A copy made for a reader keeps the bytes alive after the window has let go; the segment
  // being written stays until the next one starts.
  std::optional<Chunk> held = chunks.front();
  chunks.clear();
  CHECK(same(*held, pattern(400, 1)));
  CHECK(spill->bytes() == 1600);
  held.reset();
  CHECK(spill->bytes() == 800);
}

TEST_CASE("a chunk larger than a segment, or a directory that is not there, is refused") {
  TempDir dir;
  auto spill = ChunkSpill::open(dir.path().string(), 1000);
  REQUIRE(spill);
  CHECK_FALSE(spill->keep(0, 0, pattern(1001, 0)));
  CHECK(spill->keep(0, 0, pattern(1000, 0)));
  CHECK_FALSE(ChunkSpill::open(dir.file("missing")));
}
