/*
** addin_bench.cpp -- the 1C add-in (the Native API component in libconnect_bridge.so) driven the way a 1C
** server process drives it, for bench/run.sh: dlopen, GetClassObject("Sender"), Init, setMemManager, the settings
** as properties (SetPropVal with PWSTR values), then Send through CallAsFunc -- every member looked up by name
** (FindProp/FindMethod) on every call, as OneScript does and as 1C code that names members does.
**
**   addin_bench LIB first            one fresh object, one send; prints the time from main() to the first send
**                                    returned (dlopen and the runtime's start included)
**   addin_bench LIB seq N WARMUP     one object: WARMUP untimed sends, then N timed ones (per call, client CPU)
**   addin_bench LIB rss N STEP       one object, N sends; VmRSS/VmHWM every STEP sends
**
** Environment: the one bench/native/bench_common.h reads (BENCH_URL, BENCH_LOGIN, BENCH_PASSWORD, BENCH_LINE,
** BENCH_USER, BENCH_TEXT, BENCH_KEYBOARD). Prints "result key=value ..." lines; exit code 1 if a send was not 2xx.
** The interfaces are tests/addin/addin_abi.h (the layout a Linux 1C uses).
*/
#include <dlfcn.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "addin_abi.h"
#include "../proc_status.h"

static double now_seconds()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds()
{
    rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && v[0] ? v : fallback;
}

class Memory : public IMemoryManager {
public:
    bool AllocMemory(void **memory, unsigned long bytes) override { *memory = malloc(bytes); return *memory != nullptr; }
    void FreeMemory(void **memory) override { free(*memory); *memory = nullptr; }
};

class Connection : public ConnectionWithoutEvents {
public:
    std::u16string last_error;
    bool AddError(unsigned short, const WCHAR_T *, const WCHAR_T *descr, long) override
    {
        last_error = descr ? descr : u"";
        return true;
    }
};

static Memory g_memory;
static Connection g_connection;

static tVariant v_str(const std::u16string &s)
{
    tVariant v;
    memset(&v, 0, sizeof v);
    v.pwstrVal = const_cast<WCHAR_T *>(s.c_str());
    v.wstrLen = (uint32_t)s.size();
    v.vt = VTYPE_PWSTR;
    return v;
}

struct Message {
    std::u16string line, user, text;
};

static void set_prop(IComponentBase *c, const char *name, const char *value)
{
    std::u16string v16 = u16(value);
    tVariant v = v_str(v16);
    if (!c->SetPropVal(c->FindProp(u16(name).c_str()), &v)) {
        fprintf(stderr, "setting %s was refused\n", name);
        exit(2);
    }
}

/* One send as 1C makes it: FindMethod by name, CallAsFunc with three PWSTR parameters; status from the result. */
static bool send(IComponentBase *c, Message &m)
{
    tVariant params[3] = { v_str(m.line), v_str(m.user), v_str(m.text) };
    tVariant ret;
    memset(&ret, 0, sizeof ret);
    bool ok = c->CallAsFunc(c->FindMethod(u"Send"), &ret, params, 3);
    int status = ret.vt == VTYPE_I4 ? ret.lVal : -999;
    if (!ok || status < 200 || status > 299) {
        fprintf(stderr, "send failed: ok=%d status=%d (error text of %zu UTF-16 units)\n", ok, status, g_connection.last_error.size());
        return false;
    }
    return true;
}


int main(int argc, char **argv)
{
    double t_main = now_seconds();
    if (argc < 3) {
        fprintf(stderr, "usage: addin_bench LIB first | seq N WARMUP | rss N STEP\n");
        return 2;
    }
    std::string mode = argv[2];
    void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (!h) { fprintf(stderr, "dlopen: %s\n", dlerror()); return 2; }
    auto get_class_object = (GetClassObjectPtr)dlsym(h, "GetClassObject");
    auto destroy_object = (DestroyObjectPtr)dlsym(h, "DestroyObject");
    auto set_capabilities = (SetPlatformCapabilitiesPtr)dlsym(h, "SetPlatformCapabilities");
    if (!get_class_object || !destroy_object || !set_capabilities) { fprintf(stderr, "not an add-in library\n"); return 2; }
    set_capabilities(eAppCapabilities3);
    IComponentBase *c = nullptr;
    if (!get_class_object(u"Sender", &c) || !c) { fprintf(stderr, "GetClassObject failed\n"); return 2; }
    c->Init(&g_connection);
    c->setMemManager(&g_memory);
    set_prop(c, "BaseUrl", env_or("BENCH_URL", "http://127.0.0.1:8080"));
    set_prop(c, "Login", env_or("BENCH_LOGIN", "bot"));
    set_prop(c, "Password", env_or("BENCH_PASSWORD", "secret"));
    set_prop(c, "Language", "en");
    set_prop(c, "KeyboardRows", env_or("BENCH_KEYBOARD", "Да|Нет|Не знаю\nПозвать оператора|Отмена"));
    Message m = { u16(env_or("BENCH_LINE", "3f2b8c1e-6a4d-4e5f-9b7a-1c2d3e4f5a6b")),
                  u16(env_or("BENCH_USER", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")),
                  u16(env_or("BENCH_TEXT", "Здравствуйте! Это сообщение бенчмарка.")) };
    long failed = 0;
    int rc = 0;
    if (mode == "first") {
        failed += !send(c, m);
        printf("result mode=first failed=%ld first_ms=%.2f\n", failed, (now_seconds() - t_main) * 1e3);
    } else if (mode == "seq" && argc >= 5) {
        long n = atol(argv[3]), warmup = atol(argv[4]);
        for (long i = 0; i < warmup; i++) failed += !send(c, m);
        double t0 = now_seconds(), c0 = cpu_seconds();
        for (long i = 0; i < n; i++) failed += !send(c, m);
        double dt = now_seconds() - t0, dc = cpu_seconds() - c0;
        printf("result mode=seq sent=%ld failed=%ld seconds=%.4f msgs_per_s=%.1f cpu_us_per_msg=%.1f\n", n, failed, dt,
               (double)n / dt, dc * 1e6 / (double)n);
    } else if (mode == "rss" && argc >= 5) {
        long n = atol(argv[3]), step = atol(argv[4]);
        printf("rss sent=0 rss_kb=%ld hwm_kb=%ld\n", status_kb("VmRSS"), status_kb("VmHWM"));
        for (long i = 1; i <= n; i++) {
            failed += !send(c, m);
            if (i % step == 0) printf("rss sent=%ld rss_kb=%ld hwm_kb=%ld\n", i, status_kb("VmRSS"), status_kb("VmHWM"));
        }
        printf("result mode=rss sent=%ld failed=%ld peak_rss_kb=%ld\n", n, failed, status_kb("VmHWM"));
    } else {
        fprintf(stderr, "usage: addin_bench LIB first | seq N WARMUP | rss N STEP\n");
        rc = 2;
    }
    c->Done();
    destroy_object(&c);
    return rc ? rc : (failed ? 1 : 0);
}
