// The nothrow forms of operator new and the array/sized forms of operator delete, which MSVC's static C++ library
// (libcpmt/vcruntime) supplies. The runtime allocates its own objects with new (nothrow) and checks for null, so
// these map onto the Universal CRT's malloc/free and never throw (no C++ exception support is linked).
typedef decltype(sizeof 0) size_t;
extern "C" __declspec(dllimport) void *__cdecl malloc(size_t size);
extern "C" __declspec(dllimport) void __cdecl free(void *block);

namespace std {
struct nothrow_t {
    explicit nothrow_t() = default;
};
extern const nothrow_t nothrow;
} // namespace std
const std::nothrow_t std::nothrow{};

void *operator new(size_t size, const std::nothrow_t &) noexcept { return malloc(size ? size : 1); }
void *operator new[](size_t size, const std::nothrow_t &) noexcept { return malloc(size ? size : 1); }
void operator delete(void *block) noexcept { free(block); }
void operator delete(void *block, size_t) noexcept { free(block); }
void operator delete[](void *block) noexcept { free(block); }
