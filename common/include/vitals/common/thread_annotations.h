// Clang's thread-safety annotations; they vanish on other compilers. Checked by -Wthread-safety.
#pragma once

#if defined(__clang__)
#define VITALS_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define VITALS_THREAD_ANNOTATION(x)
#endif

#define CAPABILITY(x) VITALS_THREAD_ANNOTATION(capability(x))
#define SCOPED_CAPABILITY VITALS_THREAD_ANNOTATION(scoped_lockable)
#define GUARDED_BY(x) VITALS_THREAD_ANNOTATION(guarded_by(x))
#define REQUIRES(...) VITALS_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define ACQUIRE(...) VITALS_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RELEASE(...) VITALS_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define EXCLUDES(...) VITALS_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
