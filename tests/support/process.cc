#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <utility>

extern char** environ;

namespace vitals::testing {
namespace {

// Raw syscalls: glibc 2.36's <sys/pidfd.h> declares its wrappers without extern "C", so C++
// code cannot link against them.
int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

void pidfd_send_signal(int pidfd, int signal) {
  ::syscall(SYS_pidfd_send_signal, pidfd, signal, nullptr, 0);
}

Error errno_error(ErrorCode code, const std::string& what, int err) {
  return Error{code, what + ": " + std::strerror(err), std::nullopt};
}

timespec to_timespec(Duration d) {
  if (d < Duration::zero()) d = Duration::zero();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(d);
  return timespec{static_cast<time_t>(secs.count()), static_cast<long>((d - secs).count())};
}

// Waits up to `timeout` for `fd` to become readable; false on timeout. EINTR retries with the
// time that is left, so a stray signal cannot shorten the wait.
bool wait_readable(int fd, Duration timeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    pollfd pfd{fd, POLLIN, 0};
    timespec left = to_timespec(deadline - std::chrono::steady_clock::now());
    int n = ::ppoll(&pfd, 1, &left, nullptr);
    if (n > 0) return true;
    if (n == 0 || errno != EINTR) return false;
  }
}

// A fresh child should not inherit the test's ignored or blocked signals: the binaries under
// test install their own SIGTERM handling and must see signals as a real service would.
void reset_signals(posix_spawnattr_t& attr) {
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

std::string last_lines(const std::vector<std::string>& lines, std::size_t count) {
  std::string text;
  std::size_t first = lines.size() > count ? lines.size() - count : 0;
  for (std::size_t i = first; i < lines.size(); ++i) text += "\n  | " + lines[i];
  return text.empty() ? " (no output)" : text;
}

}  // namespace

std::string to_string(const ExitStatus& status) {
  if (status.exit_code) return "exit code " + std::to_string(*status.exit_code);
  if (status.signal) {
    return "killed by signal " + std::to_string(*status.signal) + " (" + strsignal(*status.signal) +
           ")";
  }
  return "still running";
}

Result<Process> Process::spawn(const std::string& binary, const std::vector<std::string>& args) {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) {
    return tl::unexpected(errno_error(ErrorCode::Unavailable, "pipe2", errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  reset_signals(attr);

  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(binary.c_str()));
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);

  pid_t pid = -1;
  int err = ::posix_spawn(&pid, binary.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (err != 0) {
    ::close(out[0]);
    return tl::unexpected(errno_error(ErrorCode::Unavailable, "posix_spawn " + binary, err));
  }
  // The pidfd is taken before anyone reaps the child, so it cannot name a recycled pid.
  int exit_fd = pidfd_open(pid);
  if (exit_fd < 0) {
    int open_err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ::close(out[0]);
    return tl::unexpected(errno_error(ErrorCode::Unavailable, "pidfd_open", open_err));
  }
  return Process(pid, out[0], exit_fd);
}

Process::Process(pid_t pid, int stdout_fd, int exit_fd)
    : pid_(pid), stdout_fd_(stdout_fd), exit_fd_(exit_fd) {}

Process::Process(Process&& other) noexcept {
  *this = std::move(other);
}

Process& Process::operator=(Process&& other) noexcept {
  if (this == &other) return *this;
  if (pid_ > 0 && !exit_status_) kill();
  close_fds();
  pid_ = std::exchange(other.pid_, -1);
  stdout_fd_ = std::exchange(other.stdout_fd_, -1);
  exit_fd_ = std::exchange(other.exit_fd_, -1);
  exit_status_ = std::exchange(other.exit_status_, std::nullopt);
  partial_ = std::move(other.partial_);
  lines_ = std::move(other.lines_);
  returned_ = std::move(other.returned_);
  return *this;
}

Process::~Process() {
  if (pid_ > 0 && !exit_status_) kill();
  close_fds();
}

void Process::close_fds() {
  if (stdout_fd_ >= 0) ::close(std::exchange(stdout_fd_, -1));
  if (exit_fd_ >= 0) ::close(std::exchange(exit_fd_, -1));
}

Result<std::string> Process::wait_for_line_where(
    const std::function<bool(std::string_view)>& matches, Duration timeout) {
  SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      if (returned_[i] || !matches(lines_[i])) continue;
      returned_[i] = true;
      return lines_[i];
    }
    ReadOutcome outcome = read_some(deadline - std::chrono::steady_clock::now());
    if (outcome == ReadOutcome::Closed) {
      return make_error(ErrorCode::Unavailable,
                        "the child closed its stdout before the expected line; it said:" +
                            last_lines(lines_, 20));
    }
    if (outcome == ReadOutcome::Timeout) {
      return make_error(ErrorCode::Timeout, "no expected line from the child in time; it said:" +
                                                last_lines(lines_, 20));
    }
  }
}

Result<std::string> Process::wait_for_line(std::string_view prefix, Duration timeout) {
  return wait_for_line_where([&](std::string_view line) { return line.starts_with(prefix); },
                             timeout);
}

Result<std::vector<std::string>> Process::wait_for_match(const std::regex& pattern,
                                                         Duration timeout) {
  auto line = wait_for_line_where(
      [&](std::string_view text) { return std::regex_search(text.begin(), text.end(), pattern); },
      timeout);
  if (!line) return tl::unexpected(line.error());
  std::smatch match;
  std::regex_search(*line, match, pattern);
  return std::vector<std::string>(match.begin(), match.end());
}

Process::ReadOutcome Process::read_some(Duration timeout) {
  if (stdout_fd_ < 0) return ReadOutcome::Closed;
  if (!wait_readable(stdout_fd_, timeout)) return ReadOutcome::Timeout;
  char buffer[4096];
  ssize_t n;
  do {
    n = ::read(stdout_fd_, buffer, sizeof buffer);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    ::close(std::exchange(stdout_fd_, -1));
    // A last line without a newline still counts.
    if (!partial_.empty()) add_line(std::exchange(partial_, {}));
    return ReadOutcome::Closed;
  }
  partial_.append(buffer, static_cast<std::size_t>(n));
  split_lines();
  return ReadOutcome::Data;
}

void Process::split_lines() {
  std::size_t start = 0;
  for (std::size_t end; (end = partial_.find('\n', start)) != std::string::npos; start = end + 1) {
    add_line(partial_.substr(start, end - start));
  }
  partial_.erase(0, start);
}

void Process::add_line(std::string line) {
  lines_.push_back(std::move(line));
  returned_.push_back(false);
}

void Process::send_signal(int signal) {
  if (exit_fd_ < 0 || exit_status_) return;
  pidfd_send_signal(exit_fd_, signal);
}

Result<ExitStatus> Process::wait_exit(Duration timeout) {
  if (exit_status_) return *exit_status_;
  if (exit_fd_ < 0) return make_error(ErrorCode::NotFound, "no child process");
  if (!wait_readable(exit_fd_, timeout)) {
    return make_error(ErrorCode::Timeout, "child " + std::to_string(pid_) + " still running");
  }
  return reap();
}

ExitStatus Process::terminate(Duration grace) {
  send_signal(SIGTERM);
  auto status = wait_exit(grace);
  return status ? *status : kill();
}

ExitStatus Process::kill() {
  if (exit_status_) return *exit_status_;
  send_signal(SIGKILL);
  return reap();
}

ExitStatus Process::reap() {
  if (pid_ <= 0) return ExitStatus{};
  int raw = 0;
  pid_t got;
  do {
    got = ::waitpid(pid_, &raw, 0);
  } while (got < 0 && errno == EINTR);
  ExitStatus status;
  if (got == pid_ && WIFEXITED(raw)) status.exit_code = WEXITSTATUS(raw);
  if (got == pid_ && WIFSIGNALED(raw)) status.signal = WTERMSIG(raw);
  exit_status_ = status;
  return status;
}

}  // namespace vitals::testing
