// Copyright 2026 The iamcore Authors. SPDX-License-Identifier: Apache-2.0
//
// iamctl frees no C++ memory unwiped: every block operator delete releases
// is zeroed first. The library wipes what it frees of its own secrets
// (tests/wire/freed_heap_test.cc), but `serve`'s HTTP library keeps request
// and response text (passwords, tokens, cookies) in buffers of its own: its
// header and write buffers, its growing strings. Memory C libraries free with
// free() is not covered; none of them sees a secret in clear.
// The cost: one memset of each freed block (docs/SECURITY.md).
#include <malloc.h>
#include <string.h>

#include <cstdlib>
#include <new>

void* operator new(size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  explicit_bzero(p, malloc_usable_size(p));
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, size_t) noexcept { operator delete(p); }
void operator delete[](void* p, size_t) noexcept { operator delete(p); }
