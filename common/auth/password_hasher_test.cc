#include "common/auth/password_hasher.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "common/testing/status_matchers.h"

extern char** environ;

namespace kiosk::auth {
namespace {

using ::kiosk::testing::IsOk;
using ::kiosk::testing::IsOkAndHolds;
using ::kiosk::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Cheap costs for tests that do not care about them (~1 ms per hash).
constexpr Argon2Params kCheap{
    .time_cost = 1, .memory_kib = 8192, .parallelism = 1, .hash_len = 32, .salt_len = 16};

// The argon2id known-answer vector of the reference implementation.
constexpr absl::string_view kReferenceArgon2id =
    "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

std::string Unpadded64(absl::string_view bytes) {
  return std::string(absl::StripSuffix(absl::StripSuffix(absl::Base64Escape(bytes), "="), "="));
}

// A well-formed PHC string (the hash bytes are not a real hash).
std::string Phc(absl::string_view variant, uint32_t m, uint32_t t, uint32_t p,
                uint32_t hash_len = 32, uint32_t salt_len = 16, uint32_t version = 19) {
  return absl::StrFormat("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s", variant, version, m, t, p,
                         Unpadded64(std::string(salt_len, 's')),
                         Unpadded64(std::string(hash_len, 'h')));
}

// ---------------------------------------------------------------------------
// Python (argon2-cffi) helper.

constexpr char kPython[] = "/usr/bin/python3";
constexpr int kNoArgon2Module = 3;
constexpr char kPythonScript[] = R"py(
import sys
try:
    import argon2
except ImportError:
    sys.exit(3)
command, args = sys.argv[1], sys.argv[2:]
if command == "verify":
    phc, password = args[0], bytes.fromhex(args[1])
    try:
        argon2.PasswordHasher().verify(phc, password)
        print("match")
    except argon2.exceptions.VerifyMismatchError:
        print("mismatch")
elif command == "hash":
    kind = {"id": argon2.Type.ID, "i": argon2.Type.I}[args[0]]
    print(argon2.PasswordHasher(type=kind).hash(bytes.fromhex(args[1])))
else:
    sys.exit(2)
)py";

struct PythonResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr, trailing newline removed
};

// Runs kPythonScript with `args` (passwords go as hex, so any bytes survive).
PythonResult RunPython(const std::vector<std::string>& args) {
  PythonResult result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    result.output = absl::StrCat("pipe2: ", strerror(errno));
    return result;
  }
  std::vector<std::string> argv_strings = {kPython, "-I", "-c", kPythonScript};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  pid_t pid;
  const int spawn_rc = posix_spawn(&pid, kPython, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawn_rc != 0) {
    close(fds[0]);
    result.exit_code = 127;
    result.output = absl::StrCat("cannot run ", kPython, ": ", strerror(spawn_rc));
    return result;
  }
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof(buffer))) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    result.output.append(buffer, static_cast<size_t>(n));
  }
  close(fds[0]);
  int wait_status = 0;
  while (waitpid(pid, &wait_status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128;
  if (absl::EndsWith(result.output, "\n")) result.output.pop_back();
  return result;
}

// Fails (does not skip) the test when Python or argon2-cffi is missing.
#define ASSERT_PYTHON_OK(result)                                                    \
  do {                                                                              \
    ASSERT_NE((result).exit_code, 127)                                              \
        << (result).output << "\n"                                                  \
        << kPython << " is missing: run ./kiosk test (it installs python3-argon2)"; \
    ASSERT_NE((result).exit_code, kNoArgon2Module)                                  \
        << "the Python module argon2 (argon2-cffi) is missing for " << kPython      \
        << ": run ./kiosk test (it installs python3-argon2)";                       \
    ASSERT_EQ((result).exit_code, 0) << (result).output;                            \
  } while (0)

// ---------------------------------------------------------------------------

TEST(PasswordHasherTest, MatchesTheArgon2idReferenceVector) {
  const Argon2Params params{
      .time_cost = 2, .memory_kib = 65536, .parallelism = 1, .hash_len = 32, .salt_len = 8};
  EXPECT_THAT(internal::HashWithSalt(params, "password", "somesalt"),
              IsOkAndHolds(std::string(kReferenceArgon2id)));
}

TEST(PasswordHasherTest, VerifiesKnownAnswersOfEveryVariantAndVersion) {
  PasswordHasher hasher(kCheap);
  const std::vector<std::string> known = {
      std::string(kReferenceArgon2id),
      // libargon2's test suite.
      "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA",
      // argon2-cffi's low_level.hash_secret.
      "$argon2d$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$lV5dWxY6G2C7o1/DbQSWR0+6T2tZrVNihmbwf7L5Pq8",
      "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$mA69JKTmZ/FjRvnUp4sXVyh4NhPgzG+xfC7IhLFkNd8",
  };
  for (const std::string& phc : known) {
    EXPECT_THAT(hasher.Verify("password", phc), IsOkAndHolds(true)) << phc;
  }
  EXPECT_THAT(hasher.Verify("Password", kReferenceArgon2id), IsOkAndHolds(false));
}

TEST(PasswordHasherTest, DefaultsAreTheRfc9106LowMemoryProfile) {
  PasswordHasher hasher;
  EXPECT_EQ(hasher.params().time_cost, 3u);
  EXPECT_EQ(hasher.params().memory_kib, 65536u);
  EXPECT_EQ(hasher.params().parallelism, 4u);
  EXPECT_EQ(hasher.params().hash_len, 32u);
  EXPECT_EQ(hasher.params().salt_len, 16u);
  EXPECT_THAT(ValidateArgon2Params(hasher.params()), IsOk());
}

TEST(PasswordHasherTest, HashVerifiesAndWrongPasswordDoesNot) {
  PasswordHasher hasher(kCheap);
  absl::StatusOr<std::string> phc = hasher.Hash("correct horse battery staple");
  ASSERT_THAT(phc, IsOk());
  EXPECT_THAT(*phc, StartsWith("$argon2id$v=19$m=8192,t=1,p=1$"));
  EXPECT_THAT(hasher.Verify("correct horse battery staple", *phc), IsOkAndHolds(true));
  EXPECT_THAT(hasher.Verify("correct horse battery stapl", *phc), IsOkAndHolds(false));
  EXPECT_THAT(hasher.Verify("correct horse battery staple ", *phc), IsOkAndHolds(false));
  EXPECT_THAT(hasher.Verify("", *phc), IsOkAndHolds(false));
}

TEST(PasswordHasherTest, HashCarriesTheConfiguredParams) {
  const Argon2Params params{
      .time_cost = 2, .memory_kib = 4096, .parallelism = 2, .hash_len = 24, .salt_len = 12};
  PasswordHasher hasher(params);
  absl::StatusOr<std::string> phc = hasher.Hash("pw");
  ASSERT_THAT(phc, IsOk());
  absl::StatusOr<PhcInfo> info = ParsePhc(*phc);
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->variant, "argon2id");
  EXPECT_EQ(info->version, 19u);
  EXPECT_EQ(info->memory_kib, 4096u);
  EXPECT_EQ(info->time_cost, 2u);
  EXPECT_EQ(info->parallelism, 2u);
  EXPECT_EQ(info->hash_len, 24u);
  EXPECT_EQ(info->salt_len, 12u);
  EXPECT_FALSE(hasher.NeedsRehash(*phc));
  EXPECT_THAT(hasher.Verify("pw", *phc), IsOkAndHolds(true));
}

TEST(PasswordHasherTest, EachHashHasAFreshSalt) {
  PasswordHasher hasher(kCheap);
  absl::StatusOr<std::string> a = hasher.Hash("same password");
  absl::StatusOr<std::string> b = hasher.Hash("same password");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_NE(*a, *b);
  // The salt fields differ, not only the hashes.
  EXPECT_NE(a->substr(0, a->rfind('$')), b->substr(0, b->rfind('$')));
  EXPECT_THAT(hasher.Verify("same password", *a), IsOkAndHolds(true));
  EXPECT_THAT(hasher.Verify("same password", *b), IsOkAndHolds(true));
}

TEST(PasswordHasherTest, NonAsciiAndBinaryPasswords) {
  PasswordHasher hasher(kCheap);
  const std::string utf8 = "mot de passe été ☃ 🔑";
  absl::StatusOr<std::string> phc = hasher.Hash(utf8);
  ASSERT_THAT(phc, IsOk());
  EXPECT_THAT(hasher.Verify(utf8, *phc), IsOkAndHolds(true));
  EXPECT_THAT(hasher.Verify("mot de passe ete ☃ 🔑", *phc), IsOkAndHolds(false));

  // Bytes after a NUL count.
  const std::string with_nul("abc\0def", 7);
  absl::StatusOr<std::string> nul_phc = hasher.Hash(with_nul);
  ASSERT_THAT(nul_phc, IsOk());
  EXPECT_THAT(hasher.Verify(with_nul, *nul_phc), IsOkAndHolds(true));
  EXPECT_THAT(hasher.Verify("abc", *nul_phc), IsOkAndHolds(false));
  EXPECT_THAT(hasher.Verify(std::string("abc\0deg", 7), *nul_phc), IsOkAndHolds(false));
}

TEST(PasswordHasherTest, EmptyPasswordHashes) {
  PasswordHasher hasher(kCheap);
  absl::StatusOr<std::string> phc = hasher.Hash("");
  ASSERT_THAT(phc, IsOk());
  EXPECT_THAT(hasher.Verify("", *phc), IsOkAndHolds(true));
  EXPECT_THAT(hasher.Verify(" ", *phc), IsOkAndHolds(false));
}

TEST(PasswordHasherTest, RefusesPasswordsOverTheLimit) {
  PasswordHasher hasher(kCheap);
  const std::string longest(kMaxPasswordBytes, 'x');
  absl::StatusOr<std::string> phc = hasher.Hash(longest);
  ASSERT_THAT(phc, IsOk());
  EXPECT_THAT(hasher.Verify(longest, *phc), IsOkAndHolds(true));

  const std::string too_long = std::string(kMaxPasswordBytes, 'y') + "z";
  EXPECT_THAT(hasher.Hash(too_long), StatusIs(absl::StatusCode::kInvalidArgument,
                                              AllOf(HasSubstr("4096"), Not(HasSubstr("yyyy")))));
  EXPECT_THAT(hasher.Verify(too_long, *phc),
              StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("yyyy"))));
  EXPECT_THAT(internal::HashWithSalt(kCheap, too_long, "somesalt"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(PasswordHasherTest, RefusesInvalidParams) {
  struct Case {
    const char* name;
    Argon2Params params;
  };
  const std::vector<Case> cases = {
      {"t=0", {.time_cost = 0, .memory_kib = 8192, .parallelism = 1}},
      {"p=0", {.time_cost = 1, .memory_kib = 8192, .parallelism = 0}},
      {"m<8p", {.time_cost = 1, .memory_kib = 31, .parallelism = 4}},
      {"short hash", {.time_cost = 1, .memory_kib = 8192, .parallelism = 1, .hash_len = 3}},
      {"short salt", {.time_cost = 1, .memory_kib = 8192, .parallelism = 1, .salt_len = 7}},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ValidateArgon2Params(c.params), StatusIs(absl::StatusCode::kInvalidArgument))
        << c.name;
    EXPECT_THAT(PasswordHasher(c.params).Hash("pw"), StatusIs(absl::StatusCode::kInvalidArgument))
        << c.name;
  }
  EXPECT_THAT(internal::HashWithSalt(kCheap, "pw", "short"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("salt")));
}

// ---------------------------------------------------------------------------
// NeedsRehash

TEST(NeedsRehashTest, WeakerOrOtherVariantNeedsRehash) {
  PasswordHasher hasher(
      {.time_cost = 3, .memory_kib = 65536, .parallelism = 4, .hash_len = 32, .salt_len = 16});
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 32768, 3, 4))) << "weaker m";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 65536, 2, 4))) << "weaker t";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 2))) << "weaker p";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 4, 16))) << "shorter hash";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 4, 32, 8))) << "shorter salt";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 4, 32, 16, 16))) << "version 16";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2i", 65536, 3, 4))) << "argon2i";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2d", 65536, 3, 4))) << "argon2d";
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2i", 1 << 20, 10, 8, 64))) << "strong argon2i";
  // argon2-cffi 21.1's defaults: more memory and lanes, but t=2 and a 16-byte hash.
  EXPECT_TRUE(hasher.NeedsRehash(Phc("argon2id", 102400, 2, 8, 16)));
  EXPECT_TRUE(hasher.NeedsRehash("garbage"));
  EXPECT_TRUE(hasher.NeedsRehash(""));
}

TEST(NeedsRehashTest, EqualOrStrongerIsKept) {
  PasswordHasher hasher(
      {.time_cost = 3, .memory_kib = 65536, .parallelism = 4, .hash_len = 32, .salt_len = 16});
  EXPECT_FALSE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 4)));
  EXPECT_FALSE(hasher.NeedsRehash(Phc("argon2id", 131072, 3, 4))) << "more m";
  EXPECT_FALSE(hasher.NeedsRehash(Phc("argon2id", 65536, 4, 4))) << "more t";
  EXPECT_FALSE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 8))) << "more p";
  EXPECT_FALSE(hasher.NeedsRehash(Phc("argon2id", 65536, 3, 4, 64, 32))) << "longer hash, salt";
  EXPECT_FALSE(hasher.NeedsRehash(Phc("argon2id", 1 << 20, 10, 8, 64, 32))) << "all stronger";

  PasswordHasher cheap(kCheap);
  absl::StatusOr<std::string> phc = cheap.Hash("pw");
  ASSERT_THAT(phc, IsOk());
  EXPECT_FALSE(cheap.NeedsRehash(*phc));
  EXPECT_TRUE(hasher.NeedsRehash(*phc));
}

// ---------------------------------------------------------------------------
// ParsePhc and malformed input

TEST(ParsePhcTest, ReadsEveryField) {
  absl::StatusOr<PhcInfo> info = ParsePhc(kReferenceArgon2id);
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->variant, "argon2id");
  EXPECT_EQ(info->version, 19u);
  EXPECT_EQ(info->memory_kib, 65536u);
  EXPECT_EQ(info->time_cost, 2u);
  EXPECT_EQ(info->parallelism, 1u);
  EXPECT_EQ(info->salt_len, 8u);
  EXPECT_EQ(info->hash_len, 32u);
}

TEST(ParsePhcTest, MissingVersionMeansVersion16) {
  absl::StatusOr<PhcInfo> info =
      ParsePhc("$argon2i$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA");
  ASSERT_THAT(info, IsOk());
  EXPECT_EQ(info->variant, "argon2i");
  EXPECT_EQ(info->version, 16u);
}

TEST(ParsePhcTest, RejectsMalformedStrings) {
  const std::string ref(kReferenceArgon2id);
  const std::string salt = "c29tZXNhbHQ";
  const std::string hash = "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
  const std::vector<std::string> malformed = {
      "",
      "$",
      "$$",
      "$argon2id",
      "$argon2id$",
      "argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + hash,  // no leading '$'
      "$argon2id$v=19$m=abc,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=-1,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=+65536,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=065536,t=2,p=1$" + salt + "$" + hash,      // leading zero
      "$argon2id$v=19$m=4294967296,t=2,p=1$" + salt + "$" + hash,  // > 32 bits
      "$argon2id$v=19$t=2,m=65536,p=1$" + salt + "$" + hash,       // wrong order
      "$argon2id$v=19$m=65536,t=2$" + salt + "$" + hash,
      "$argon2id$v=19$m=65536,t=2,p=1,x=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=65536,t=0,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=65536,t=2,p=0$" + salt + "$" + hash,
      "$argon2id$v=19$m=7,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$v=19$m=31,t=2,p=4$" + salt + "$" + hash,  // m < 8p
      "$argon2id$v=20$m=65536,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$v=$m=65536,t=2,p=1$" + salt + "$" + hash,
      "$argon2id$19$m=65536,t=2,p=1$" + salt + "$" + hash,
      ref.substr(0, ref.rfind('$')),                   // hash field missing
      ref.substr(0, ref.rfind('$') + 1),               // hash field empty
      ref.substr(0, ref.size() - 1),                   // hash truncated: unused low bits not zero
      ref.substr(0, ref.size() - 2),                   // hash truncated: length 1 mod 4
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZ$" + hash,  // salt truncated
      "$argon2id$v=19$m=65536,t=2,p=1$" + salt + "=$" + hash,  // padding
      "$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$" + hash + "=",
      "$argon2id$v=19$m=65536,t=2,p=1$c29t-XNhbHQ$" + hash,  // URL-safe alphabet
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZQ$" + hash,       // 4-byte salt
      "$argon2id$v=19$m=65536,t=2,p=1$" + salt + "$AAAA",    // 3-byte hash
      ref + "$",
      ref + "\n",
      " " + ref,
      ref + std::string("\0", 1),
      std::string("$argon2id\0$v=19$m=65536,t=2,p=1$", 32) + salt + "$" + hash,
      "$ARGON2ID$v=19$m=65536,t=2,p=1$" + salt + "$" + hash,
      "$argon2x$v=19$m=65536,t=2,p=1$" + salt + "$" + hash,
      "$argon2$v=19$m=65536,t=2,p=1$" + salt + "$" + hash,
  };
  PasswordHasher hasher(kCheap);
  for (const std::string& phc : malformed) {
    EXPECT_THAT(ParsePhc(phc), StatusIs(absl::StatusCode::kInvalidArgument))
        << "'" << absl::CEscape(phc) << "'";
    EXPECT_THAT(hasher.Verify("s3cret-Passw0rd", phc),
                StatusIs(absl::StatusCode::kInvalidArgument, Not(HasSubstr("s3cret"))))
        << "'" << absl::CEscape(phc) << "'";
    EXPECT_TRUE(hasher.NeedsRehash(phc)) << "'" << absl::CEscape(phc) << "'";
  }
}

TEST(ParsePhcTest, SaysBcryptIsNotSupported) {
  const std::string bcrypt = "$2b$12$GhvMmNVjRW29ulnudl.LbuAnUtN/LRfe1JsBm1Xu6LE3059z5Tr8m";
  EXPECT_THAT(ParsePhc(bcrypt), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bcrypt")));
  EXPECT_THAT(PasswordHasher(kCheap).Verify("password", bcrypt),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("bcrypt"), HasSubstr("not supported"))));
  for (const char* prefix : {"$2a$", "$2y$", "$2$"}) {
    EXPECT_THAT(ParsePhc(absl::StrCat(prefix, "10$abcdefghijklmnopqrstuu")),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bcrypt")))
        << prefix;
  }
}

TEST(ParsePhcTest, NamesOtherUnsupportedSchemes) {
  EXPECT_THAT(ParsePhc("$scrypt$ln=16,r=8,p=1$c2FsdA$aGFzaA"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("scrypt")));
  EXPECT_THAT(ParsePhc("$pbkdf2-sha256$29000$c2FsdA$aGFzaA"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("PBKDF2")));
  EXPECT_THAT(ParsePhc("$6$rounds=5000$salt$hash"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("SHA-512-crypt")));
  EXPECT_THAT(ParsePhc("$argon2x$v=19$m=8,t=1,p=1$c29tZXNhbHQ$aGFzaA"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("unsupported"), HasSubstr("argon2x"))));
}

// ---------------------------------------------------------------------------
// Compatibility with Python's argon2-cffi, both ways.

TEST(PythonCompatibilityTest, OurDefaultHashVerifiesInArgon2Cffi) {
  PasswordHasher hasher;  // what production writes
  const std::string password = "Crème brûlée ☕ and a $ign";
  absl::StatusOr<std::string> phc = hasher.Hash(password);
  ASSERT_THAT(phc, IsOk());

  PythonResult good = RunPython({"verify", *phc, absl::BytesToHexString(password)});
  ASSERT_PYTHON_OK(good);
  EXPECT_EQ(good.output, "match");

  PythonResult wrong = RunPython({"verify", *phc, absl::BytesToHexString(password + "!")});
  ASSERT_PYTHON_OK(wrong);
  EXPECT_EQ(wrong.output, "mismatch") << "argon2-cffi should raise VerifyMismatchError";
}

TEST(PythonCompatibilityTest, OurCheapHashVerifiesInArgon2Cffi) {
  PasswordHasher hasher(kCheap);
  const std::string password("nul\0inside", 10);
  absl::StatusOr<std::string> phc = hasher.Hash(password);
  ASSERT_THAT(phc, IsOk());
  PythonResult good = RunPython({"verify", *phc, absl::BytesToHexString(password)});
  ASSERT_PYTHON_OK(good);
  EXPECT_EQ(good.output, "match");
  PythonResult wrong = RunPython({"verify", *phc, absl::BytesToHexString("nul")});
  ASSERT_PYTHON_OK(wrong);
  EXPECT_EQ(wrong.output, "mismatch");
}

TEST(PythonCompatibilityTest, Argon2CffiDefaultHashVerifiesHere) {
  const std::string password = "ancien mot de passe — 旧密码";
  PythonResult made = RunPython({"hash", "id", absl::BytesToHexString(password)});
  ASSERT_PYTHON_OK(made);
  ASSERT_THAT(ParsePhc(made.output), IsOk()) << made.output;
  EXPECT_EQ(ParsePhc(made.output)->variant, "argon2id");

  PasswordHasher hasher(kCheap);  // params do not matter for Verify
  EXPECT_THAT(hasher.Verify(password, made.output), IsOkAndHolds(true)) << made.output;
  EXPECT_THAT(hasher.Verify(password + " ", made.output), IsOkAndHolds(false));
}

TEST(PythonCompatibilityTest, Argon2CffiArgon2iHashVerifiesHere) {
  const std::string password = "legacy argon2i password";
  PythonResult made = RunPython({"hash", "i", absl::BytesToHexString(password)});
  ASSERT_PYTHON_OK(made);
  EXPECT_THAT(made.output, StartsWith("$argon2i$v=19$"));

  PasswordHasher hasher;
  EXPECT_THAT(hasher.Verify(password, made.output), IsOkAndHolds(true)) << made.output;
  EXPECT_THAT(hasher.Verify("legacy argon2i passworD", made.output), IsOkAndHolds(false));
  EXPECT_TRUE(hasher.NeedsRehash(made.output));
}

}  // namespace
}  // namespace kiosk::auth
