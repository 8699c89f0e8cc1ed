// C11 threads on top of pthreads, linked into every executable of the ThreadSanitizer build
// only (cmake/warnings.cmake).
//
// librdkafka uses C11 threads. glibc implements thrd_create, mtx_lock and cnd_wait by calling
// its own pthread internals, which ThreadSanitizer does not intercept: a thread made by
// thrd_create has no TSan state and crashes on its first malloc, and librdkafka's locks are
// invisible to TSan. These definitions take precedence over glibc's for librdkafka and call
// the pthread functions that TSan does intercept.
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <threads.h>

namespace {

struct Start {
  thrd_start_t fn;
  void* arg;
};

void* RunStart(void* p) {
  Start start = *static_cast<Start*>(p);
  free(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.fn(start.arg)));
}

int FromErrno(int err) {
  switch (err) {
    case 0: return thrd_success;
    case ETIMEDOUT: return thrd_timedout;
    case EBUSY: return thrd_busy;
    case ENOMEM:
    case EAGAIN: return thrd_nomem;
    default: return thrd_error;
  }
}

}  // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t fn, void* arg) {
  auto* start = static_cast<Start*>(malloc(sizeof(Start)));
  if (start == nullptr) return thrd_nomem;
  *start = {fn, arg};
  pthread_t t;
  int err = pthread_create(&t, nullptr, RunStart, start);
  if (err != 0) {
    free(start);
    return FromErrno(err);
  }
  *thr = t;
  return thrd_success;
}

int thrd_join(thrd_t thr, int* res) {
  void* ret = nullptr;
  int err = pthread_join(thr, &ret);
  if (err == 0 && res != nullptr) *res = static_cast<int>(reinterpret_cast<intptr_t>(ret));
  return FromErrno(err);
}

int thrd_detach(thrd_t thr) { return FromErrno(pthread_detach(thr)); }

int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  int err = pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(m), &attr);
  pthread_mutexattr_destroy(&attr);
  return FromErrno(err);
}

void mtx_destroy(mtx_t* m) { pthread_mutex_destroy(reinterpret_cast<pthread_mutex_t*>(m)); }

int mtx_lock(mtx_t* m) {
  return FromErrno(pthread_mutex_lock(reinterpret_cast<pthread_mutex_t*>(m)));
}

int mtx_trylock(mtx_t* m) {
  return FromErrno(pthread_mutex_trylock(reinterpret_cast<pthread_mutex_t*>(m)));
}

int mtx_unlock(mtx_t* m) {
  return FromErrno(pthread_mutex_unlock(reinterpret_cast<pthread_mutex_t*>(m)));
}

int cnd_init(cnd_t* c) {
  return FromErrno(pthread_cond_init(reinterpret_cast<pthread_cond_t*>(c), nullptr));
}

void cnd_destroy(cnd_t* c) { pthread_cond_destroy(reinterpret_cast<pthread_cond_t*>(c)); }

int cnd_signal(cnd_t* c) {
  return FromErrno(pthread_cond_signal(reinterpret_cast<pthread_cond_t*>(c)));
}

int cnd_broadcast(cnd_t* c) {
  return FromErrno(pthread_cond_broadcast(reinterpret_cast<pthread_cond_t*>(c)));
}

int cnd_wait(cnd_t* c, mtx_t* m) {
  return FromErrno(pthread_cond_wait(reinterpret_cast<pthread_cond_t*>(c),
                                     reinterpret_cast<pthread_mutex_t*>(m)));
}

int cnd_timedwait(cnd_t* c, mtx_t* m, const struct timespec* until) {
  return FromErrno(pthread_cond_timedwait(reinterpret_cast<pthread_cond_t*>(c),
                                          reinterpret_cast<pthread_mutex_t*>(m), until));
}

}  // extern "C"
