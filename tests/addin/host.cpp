/*
 * A test host for AddIn.ConnectBridge.Sender that does what a Linux 1C:Enterprise does (g++, the interfaces of
 * addin_abi.h as C++ classes, so the compiler lays out and calls the vtables):
 *   - reads MANIFEST.XML from the component ZIP, picks the entry for Linux x86_64, copies the library into a cache
 *     folder and dlopens it from there;
 *   - GetClassNames, GetAttachType, SetPlatformCapabilities, GetClassObject;
 *   - Init and setMemManager in both orders (1C: Init first; OneScript: setMemManager first), GetInfo,
 *     RegisterExtensionAs;
 *   - every property and method by its English and Russian name and in odd case, names read back in both languages,
 *     GetNParams / GetParamDefValue / HasRetVal, IsPropReadable / IsPropWritable;
 *   - values of every kind 1C passes (PWSTR, I4, I8, R8, BOOL, EMPTY) and a few it does not (DATE, PSTR);
 *   - the error path: ThrowOnError (ВызыватьИсключения) true -> AddError(ADDIN_E_FAIL, ..., the core's text) and false;
 *   - sends against the emulator: Cyrillic text and a rows keyboard arrive exactly; invalid input sends nothing;
 *   - Done (twice), DestroyObject (then again on the stale pointer), and release through the vtable destructor
 *     (delete through IComponentBase* and through a secondary base), after which DestroyObject refuses the pointer;
 *   - the Itanium prefix of each vtable (offset-to-top 0, -P, -2P, -3P, RTTI null);
 *   - a memory manager that tracks every block: everything the component hands back was allocated there, the host
 *     frees it all, nothing is left and nothing foreign is freed.
 * Usage: host ZIP CACHE-DIR [corpus FLAT-FILE BASE-URL | faults MANIFEST [REPORT.md]]
 *   (environment: CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE).
 * With corpus or faults: the runner core (tests/runner/runner.h) through the add-in instead of the checks above.
 * Ends with "N passed, N failed"; exit code 0 only when nothing failed. The password is never printed.
 */
#include "addin_abi.h"
#include "../runner/check.h"
#include "../runner/runner.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>
#include <deque>


// ---- text ------------------------------------------------------------------------------------------------


static std::string utf8(const char16_t *s, size_t n)
{
    std::string out;
    for (size_t i = 0; i < n; i++) {
        unsigned cp = s[i];
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < n) cp = 0x10000 + ((cp - 0xD800) << 10) + (s[++i] - 0xDC00);
        if (cp < 0x80) out += (char)cp;
        else if (cp < 0x800) { out += (char)(0xC0 | cp >> 6); out += (char)(0x80 | (cp & 0x3F)); }
        else if (cp < 0x10000) { out += (char)(0xE0 | cp >> 12); out += (char)(0x80 | (cp >> 6 & 0x3F)); out += (char)(0x80 | (cp & 0x3F)); }
        else { out += (char)(0xF0 | cp >> 18); out += (char)(0x80 | (cp >> 12 & 0x3F)); out += (char)(0x80 | (cp >> 6 & 0x3F)); out += (char)(0x80 | (cp & 0x3F)); }
    }
    return out;
}

static std::string utf8(const char16_t *s)
{
    if (!s) return "(null)";
    size_t n = 0;
    while (s[n]) n++;
    return utf8(s, n);
}

/* Alternates upper and lower case (ASCII and Cyrillic): "Send" -> "SeNd", "Отправить" -> "ОтПрАвИтЬ". */
static std::u16string odd_case(const std::u16string &s)
{
    std::u16string out = s;
    for (size_t i = 0; i < out.size(); i++) {
        char16_t c = out[i];
        bool upper = i % 2 == 0;
        if (upper) {
            if (c >= u'a' && c <= u'z') c = (char16_t)(c - 32);
            else if (c >= 0x430 && c <= 0x44F) c = (char16_t)(c - 0x20);
            else if (c == 0x451) c = 0x401;
        } else {
            if (c >= u'A' && c <= u'Z') c = (char16_t)(c + 32);
            else if (c >= 0x410 && c <= 0x42F) c = (char16_t)(c + 0x20);
            else if (c == 0x401) c = 0x451;
        }
        out[i] = c;
    }
    return out;
}

// ---- the host's memory manager and connection --------------------------------------------------------------

/* Every block the component allocates through the host is recorded; the host frees what it receives. */
class TrackingMemory : public IMemoryManager {
public:
    std::map<void *, unsigned long> live;
    long allocations = 0, foreign_frees = 0;

    bool AllocMemory(void **memory, unsigned long bytes) override
    {
        *memory = malloc(bytes ? bytes : 1);
        if (!*memory) return false;
        live[*memory] = bytes;
        allocations++;
        return true;
    }

    void FreeMemory(void **memory) override
    {
        if (!memory || !*memory) return;
        auto it = live.find(*memory);
        if (it == live.end()) { foreign_frees++; return; }
        live.erase(it);
        free(*memory);
        *memory = nullptr;
    }

    bool owns(const void *p) const { return live.count(const_cast<void *>(p)) != 0; }

    /* What the host does with a string it received: reads it, then frees it. */
    std::string take(const WCHAR_T *p)
    {
        if (!p) return "(null)";
        std::string s = utf8(p);
        void *v = (void *)p;
        FreeMemory(&v);
        return s;
    }
};

struct ReportedError {
    unsigned short code;
    std::string source, description;
    long scode;
};

class RecordingConnection : public ConnectionWithoutEvents {
public:
    std::vector<ReportedError> errors;

    bool AddError(unsigned short wcode, const WCHAR_T *source, const WCHAR_T *descr, long scode) override
    {
        errors.push_back({ wcode, utf8(source), utf8(descr), scode });
        return true;
    }
};

static TrackingMemory g_memory;
static RecordingConnection g_connection;

// ---- tVariant helpers ----------------------------------------------------------------------------------------

static tVariant v_empty() { tVariant v; memset(&v, 0, sizeof v); v.vt = VTYPE_EMPTY; return v; }

/* A PWSTR as 1C passes it: the host's buffer (kept alive in a pool), length in UTF-16 units. */
static std::deque<std::u16string> g_strings;   // a deque: growing it never moves the strings the variants point to
static tVariant v_str(const char *s)
{
    g_strings.push_back(u16(s));
    tVariant v = v_empty();
    v.pwstrVal = const_cast<WCHAR_T *>(g_strings.back().c_str());
    v.wstrLen = (uint32_t)g_strings.back().size();
    v.vt = VTYPE_PWSTR;
    return v;
}
static tVariant v_i4(int32_t n) { tVariant v = v_empty(); v.lVal = n; v.vt = VTYPE_I4; return v; }
static tVariant v_i8(int64_t n) { tVariant v = v_empty(); v.llVal = n; v.vt = VTYPE_I8; return v; }
static tVariant v_r8(double d) { tVariant v = v_empty(); v.dblVal = d; v.vt = VTYPE_R8; return v; }
static tVariant v_bool(bool b) { tVariant v = v_empty(); v.bVal = b; v.vt = VTYPE_BOOL; return v; }
static tVariant v_date(double d) { tVariant v = v_empty(); v.date = d; v.vt = VTYPE_DATE; return v; }

/* A value read back, described as "<type>:<value>"; a string is checked to be the host's and freed. */
static std::string describe(tVariant &v)
{
    char buf[64];
    switch (v.vt) {
    case VTYPE_EMPTY: return "empty";
    case VTYPE_I4: snprintf(buf, sizeof buf, "i4:%d", v.lVal); return buf;
    case VTYPE_I8: snprintf(buf, sizeof buf, "i8:%lld", (long long)v.llVal); return buf;
    case VTYPE_R8: snprintf(buf, sizeof buf, "r8:%g", v.dblVal); return buf;
    case VTYPE_BOOL: return v.bVal ? "bool:true" : "bool:false";
    case VTYPE_PWSTR: {
        if (!g_memory.owns(v.pwstrVal)) return "pwstr not allocated by the host's memory manager";
        if (v.pwstrVal[v.wstrLen] != 0) return "pwstr not NUL-terminated at wstrLen";
        std::string s = "str:" + utf8(v.pwstrVal, v.wstrLen);
        g_memory.take(v.pwstrVal);
        return s;
    }
    default: snprintf(buf, sizeof buf, "vt %u", v.vt); return buf;
    }
}

// ---- the component ------------------------------------------------------------------------------------------

struct Exports {
    GetClassObjectPtr get_class_object;
    DestroyObjectPtr destroy_object;
    GetClassNamesPtr get_class_names;
    SetPlatformCapabilitiesPtr set_platform_capabilities;
    GetAttachTypePtr get_attach_type;
};
static Exports g_x;

static long prop(IComponentBase *c, const char *name) { return c->FindProp(u16(name).c_str()); }
static long method(IComponentBase *c, const char *name) { return c->FindMethod(u16(name).c_str()); }

static bool set(IComponentBase *c, const char *name, tVariant v) { return c->SetPropVal(prop(c, name), &v); }

static std::string get(IComponentBase *c, const char *name)
{
    tVariant v = v_empty();
    if (!c->GetPropVal(prop(c, name), &v)) return "GetPropVal false";
    return describe(v);
}

static int status(IComponentBase *c)
{
    tVariant v = v_empty();
    return c->GetPropVal(prop(c, "LastStatusCode"), &v) && v.vt == VTYPE_I4 ? v.lVal : -999;
}

static std::string error_text(IComponentBase *c)
{
    std::string s = get(c, "LastErrorText");
    return s.rfind("str:", 0) == 0 ? s.substr(4) : "<" + s + ">";
}

/* CallAsFunc by name; the status from the returned value (or -999), ok = what the call returned. */
static int call(IComponentBase *c, const char *name, std::vector<tVariant> args, bool *ok = nullptr)
{
    tVariant ret = v_empty();
    bool r = c->CallAsFunc(method(c, name), &ret, args.data(), (long)args.size());
    if (ok) *ok = r;
    return ret.vt == VTYPE_I4 ? ret.lVal : -999;
}

static bool proc(IComponentBase *c, const char *name, std::vector<tVariant> args)
{
    return c->CallAsProc(method(c, name), args.data(), (long)args.size());
}

static IComponentBase *create(const char *name = "Sender")
{
    IComponentBase *c = nullptr;
    long created = g_x.get_class_object(u16(name).c_str(), &c);
    return created ? c : nullptr;
}

// ---- emulator (plain HTTP on loopback) -----------------------------------------------------------------------

static int g_port;

static std::string http(const char *method_name, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return "";
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)g_port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{ 10, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (sockaddr *)&a, sizeof a) != 0) { close(fd); return ""; }
    char req[256];
    int n = snprintf(req, sizeof req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method_name, path);
    if (write(fd, req, (size_t)n) != n) { close(fd); return ""; }
    std::string resp;
    char buf[4096];
    for (int i = 0; i < 100000; i++) {
        ssize_t r = read(fd, buf, sizeof buf);
        if (r <= 0) break;
        resp.append(buf, (size_t)r);
    }
    close(fd);
    size_t body = resp.find("\r\n\r\n");
    if (resp.rfind("HTTP/1.1 2", 0) != 0 || body == std::string::npos) return "";
    std::string out = resp.substr(body + 4);
    if (resp.find("ransfer-Encoding: chunked") != std::string::npos) {
        std::string plain;
        size_t p = 0;
        while (p < out.size()) {
            size_t size = strtoul(out.c_str() + p, nullptr, 16);
            size_t line = out.find("\r\n", p);
            if (size == 0 || line == std::string::npos) break;
            plain += out.substr(line + 2, size);
            p = line + 2 + size + 2;
        }
        out = plain;
    }
    return out;
}

/* The emulator's records with \uXXXX escapes resolved, so exact Cyrillic can be searched for. */
static std::string emulator_messages()
{
    std::string raw = http("GET", "/emulator/messages"), out;
    for (size_t i = 0; i < raw.size(); i++) {
        if (raw[i] == '\\' && i + 5 < raw.size() && raw[i + 1] == 'u') {
            std::u16string unit(1, (char16_t)strtoul(raw.substr(i + 2, 4).c_str(), nullptr, 16));
            i += 5;
            if (unit[0] >= 0xD800 && unit[0] < 0xDC00 && i + 6 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
                unit += (char16_t)strtoul(raw.substr(i + 3, 4).c_str(), nullptr, 16);
                i += 6;
            }
            out += utf8(unit.c_str(), unit.size());
        } else if (raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'n') {
            out += '\n';
            i++;
        } else {
            out += raw[i];
        }
    }
    return out;
}

static long emulator_stat(const char *field)
{
    std::string body = http("GET", "/emulator/stats");
    size_t p = body.find(std::string("\"") + field + "\"");
    if (p == std::string::npos || (p = body.find(':', p)) == std::string::npos) return -1;
    return strtol(body.c_str() + p + 1, nullptr, 10);
}

static void emulator_reset() { http("POST", "/emulator/reset"); }

// ---- loading as 1C does -----------------------------------------------------------------------------------

static std::string attribute(const std::string &element, const char *name)
{
    std::string key = std::string(" ") + name + "=\"";
    size_t p = element.find(key);
    if (p == std::string::npos) return "";
    p += key.size();
    size_t e = element.find('"', p);
    return e == std::string::npos ? "" : element.substr(p, e - p);
}

static std::string run(const std::string &command)
{
    std::string out;
    FILE *f = popen(command.c_str(), "r");
    if (!f) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    pclose(f);
    return out;
}

/* Reads MANIFEST.XML, picks <component os="Linux" arch="x86_64" type="native">, copies it into the cache, dlopens it. */
static void *load_from_zip(const std::string &zip, const std::string &cache)
{
    std::string manifest = run("unzip -p '" + zip + "' MANIFEST.XML");
    check(manifest.find("http://v8.1c.ru/8.2/addin/bundle") != std::string::npos, "MANIFEST.XML is a 1C add-in bundle");
    std::string path;
    int linux_entries = 0;
    for (size_t p = manifest.find("<component"); p != std::string::npos; p = manifest.find("<component", p + 1)) {
        std::string element = manifest.substr(p, manifest.find('>', p) - p);
        if (attribute(element, "os") == "Linux" && attribute(element, "arch") == "x86_64" && attribute(element, "type") == "native") {
            path = attribute(element, "path");
            linux_entries++;
        }
    }
    check(linux_entries == 1 && !path.empty(), "MANIFEST.XML has one Linux x86_64 native entry (%s)", path.c_str());
    if (path.empty()) return nullptr;
    run("mkdir -p '" + cache + "' && unzip -o -q -j '" + zip + "' '" + path + "' -d '" + cache + "'");
    std::string file = cache + "/" + path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
    void *h = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    check(h != nullptr, "dlopen of the copy in the cache (%s)", h ? file.c_str() : dlerror());
    return h;
}

// ---- the member table as documented (examples-1c/README.md) --------------------------------------------------
// (tests/Connect.Bridge.Tests/Core/SettingNamesTests.cs fails when these rows differ from the add-in's own table,
// src/Connect.Bridge.Native/AddIn/SenderMembers.cs with src/Connect.Bridge.Hosting/SettingNames.cs.)

struct ExpectedProp { const char *en, *ru; bool readable, writable; };
static const ExpectedProp kProps[] = {
    { "BaseUrl", "АдресСервиса", true, true },
    { "Login", "Логин", true, true },
    { "Password", "Пароль", true, true },
    { "TimeoutSeconds", "ТаймаутСекунд", true, true },
    { "Language", "Язык", true, true },
    { "AuthorId", "ИдентификаторАвтора", true, true },
    { "GeneralSettings", "ОбщиеНастройки", true, true },
    { "ProxyUrl", "АдресПрокси", true, true },
    { "ProxyLogin", "ЛогинПрокси", true, true },
    { "ProxyPassword", "ПарольПрокси", true, true },
    { "ProxyUseDefaultCredentials", "ПроксиСУчетнойЗаписьюWindows", true, true },
    { "MaxRetries", "ЧислоПовторов", true, true },
    { "RetryDelaySeconds", "ПаузаПовтораСекунд", true, true },
    { "AllowInsecureHttp", "РазрешитьНезащищенныйHttp", true, true },
    { "LogFile", "ФайлЖурнала", true, true },
    { "ThrowOnError", "ВызыватьИсключения", true, true },
    { "KeyboardJson", "КлавиатураJson", true, true },
    { "KeyboardRows", "КлавиатураСтроками", true, true },
    { "LastStatusCode", "КодСостояния", true, false },
    { "LastErrorText", "ТекстОшибки", true, false },
    { "IsSuccess", "Успешно", true, false },
    { "Version", "Версия", true, false },
};
struct ExpectedMethod { const char *en, *ru; long params; bool returns; };
static const ExpectedMethod kMethods[] = {
    { "Send", "Отправить", 3, true },
    { "DropKeyboard", "СброситьКлавиатуру", 2, true },
    { "AddKeyboardRow", "ДобавитьСтрокуКлавиатуры", 1, false },
    { "ClearKeyboard", "ОчиститьКлавиатуру", 0, false },
};

// ---- the tests ----------------------------------------------------------------------------------------------

static void test_exports()
{
    std::string names = utf8(g_x.get_class_names());
    check(names == "Sender", "GetClassNames -> \"%s\"", names.c_str());
    check(g_x.get_attach_type() == eCanAttachAny, "GetAttachType -> %d (Any)", (int)g_x.get_attach_type());
    check(g_x.set_platform_capabilities(eAppCapabilities3) == eAppCapabilities3, "SetPlatformCapabilities(3) -> 3");
    IComponentBase *none = create("Receiver");
    check(none == nullptr, "GetClassObject for an unknown class name creates nothing");
    IComponentBase *c = nullptr;
    check(g_x.destroy_object(&c) != 0, "DestroyObject of a null object fails cleanly");
}

/* Itanium: offset-to-top and RTTI before each of the four vtables; the host's bases sit at 0, P, 2P, 3P. */
static void test_layout(IComponentBase *c)
{
    const intptr_t P = sizeof(void *);
    void *bases[4] = { static_cast<IInitDoneBase *>(c), static_cast<ILanguageExtenderBase *>(c),
                       static_cast<LocaleBase *>(c), static_cast<UserLanguageBase *>(c) };
    bool ok = true;
    for (int i = 0; i < 4; i++) {
        ok = ok && (char *)bases[i] - (char *)c == i * P;
        intptr_t *vtable = *(intptr_t **)bases[i];
        ok = ok && vtable[-2] == -i * P && vtable[-1] == 0 && vtable[0] != 0 && vtable[1] != 0;
    }
    check(ok, "four vtables at 0, P, 2P, 3P, each with offset-to-top 0/-P/-2P/-3P, null RTTI and two destructor slots");
}

/* A member at index i: found by its English, Russian and odd-case names; both names read back from host memory. */
template <typename Find, typename Name>
static bool names_ok(long i, const char *en_name, const char *ru_name, Find find, Name name, std::string &seen)
{
    long by_en = find(u16(en_name)), by_ru = find(u16(ru_name)), odd_en = find(odd_case(u16(en_name))), odd_ru = find(odd_case(u16(ru_name)));
    const WCHAR_T *n0 = name(i, 0), *n1 = name(i, 1);
    bool owned = g_memory.owns(n0) && g_memory.owns(n1);
    std::string en = g_memory.take(n0), ru = g_memory.take(n1);
    char found[96];
    snprintf(found, sizeof found, "found at %ld %ld %ld %ld, names ", by_en, by_ru, odd_en, odd_ru);
    seen = found + en + "/" + ru + (owned ? "" : " (not in host memory)");
    return by_en == i && by_ru == i && odd_en == i && odd_ru == i && owned && en == en_name && ru == ru_name;
}

static void test_names(IComponentBase *c)
{
    auto find_prop = [c](const std::u16string &n) { return c->FindProp(n.c_str()); };
    auto find_method = [c](const std::u16string &n) { return c->FindMethod(n.c_str()); };
    auto prop_name = [c](long i, long lang) { return c->GetPropName(i, lang); };
    auto method_name = [c](long i, long lang) { return c->GetMethodName(i, lang); };
    long nprops = c->GetNProps(), nmethods = c->GetNMethods();
    check(nprops == (long)(sizeof kProps / sizeof *kProps), "GetNProps -> %ld", nprops);
    check(nmethods == (long)(sizeof kMethods / sizeof *kMethods), "GetNMethods -> %ld", nmethods);
    int good = 0, total = 0;
    for (long i = 0; i < (long)(sizeof kProps / sizeof *kProps); i++) {
        const ExpectedProp &e = kProps[i];
        std::string seen;
        bool ok = names_ok(i, e.en, e.ru, find_prop, prop_name, seen) && c->IsPropReadable(i) == e.readable && c->IsPropWritable(i) == e.writable;
        if (!ok) printf("  property %s/%s: %s\n", e.en, e.ru, seen.c_str());
        good += ok;
        total++;
    }
    check(good == total, "every property found by English, Russian and odd-case names; names read back in both languages "
          "from host memory; readable/writable as documented (%d of %d)", good, total);
    good = total = 0;
    for (long i = 0; i < (long)(sizeof kMethods / sizeof *kMethods); i++) {
        const ExpectedMethod &e = kMethods[i];
        std::string seen;
        bool named = names_ok(i, e.en, e.ru, find_method, method_name, seen);
        tVariant def = v_empty();
        bool no_defaults = true;
        for (long p = 0; p < e.params; p++) no_defaults = no_defaults && !c->GetParamDefValue(i, p, &def);
        bool ok = named && c->GetNParams(i) == e.params && c->HasRetVal(i) == e.returns && no_defaults;
        if (!ok) printf("  method %s/%s: %s, params %ld\n", e.en, e.ru, seen.c_str(), c->GetNParams(i));
        good += ok;
        total++;
    }
    check(good == total, "every method found by English, Russian and odd-case names; GetNParams, HasRetVal as documented, "
          "GetParamDefValue false (no defaults) (%d of %d)", good, total);
    check(prop(c, "NoSuchProperty") == -1 && method(c, "НетТакогоМетода") == -1 && c->FindProp(nullptr) == -1,
          "unknown names and a null name -> -1");
    check(c->GetPropName(999, 0) == nullptr && c->GetMethodName(-1, 1) == nullptr && c->GetNParams(99) == 0,
          "out-of-range numbers -> null names, 0 parameters");
    tVariant v = v_empty();
    check(!c->GetPropVal(999, &v) && !c->SetPropVal(-1, &v) && !c->CallAsProc(77, nullptr, 0), "out-of-range numbers -> false, no crash");
}

static void test_values(IComponentBase *c, const char *base)
{
    // Defaults, as COM reads them (tests/com/client.c): GeneralSettings omitted reads back EMPTY.
    check(get(c, "TimeoutSeconds") == "i4:30" && get(c, "MaxRetries") == "i4:2" && get(c, "RetryDelaySeconds") == "r8:0.25"
          && get(c, "Language") == "str:ru"
          && get(c, "GeneralSettings") == "empty" && get(c, "ThrowOnError") == "bool:false" && get(c, "AllowInsecureHttp") == "bool:false"
          && get(c, "LogFile") == "str:" && get(c, "BaseUrl") == "str:https://push.1c-connect.com" && status(c) == 0,
          "defaults: TimeoutSeconds i4:30, MaxRetries i4:2, RetryDelaySeconds r8:0.25, Language ru, GeneralSettings empty, flags false, "
          "LogFile \"\", BaseUrl the service");
    check(set(c, "BaseUrl", v_str(base)) && get(c, "АдресСервиса") == std::string("str:") + base, "PWSTR: BaseUrl set, read back by its Russian name");
    check(set(c, "ТаймаутСекунд", v_i4(7)) && get(c, "TimeoutSeconds") == "i4:7" && status(c) == 0, "I4: TimeoutSeconds 7 -> i4:7, status 0");
    check(set(c, "timeoutseconds", v_i8(9)) && get(c, "TimeoutSeconds") == "i4:9", "I8: TimeoutSeconds 9 -> i4:9");
    check(set(c, "TimeoutSeconds", v_r8(2.5)) && get(c, "TimeoutSeconds") == "r8:2.5" && status(c) == 0,
          "R8: TimeoutSeconds 2.5 s -> reads back r8:2.5, as given (%s)", get(c, "TimeoutSeconds").c_str());
    check(set(c, "TimeoutSeconds", v_r8(20.0)) && get(c, "TimeoutSeconds") == "i4:20", "R8: a whole 20.0 s reads back as i4:20");
    check(set(c, "TimeoutSeconds", v_str("15")) && get(c, "TimeoutSeconds") == "i4:15" && status(c) == 0, "PWSTR \"15\" for TimeoutSeconds: invariant number text accepted");
    check(set(c, "AllowInsecureHttp", v_bool(true)) && get(c, "AllowInsecureHttp") == "bool:true", "BOOL: AllowInsecureHttp true");
    check(set(c, "AllowInsecureHttp", v_bool(false)) && get(c, "РазрешитьНезащищенныйHttp") == "bool:false", "BOOL: AllowInsecureHttp false");
    check(set(c, "ОбщиеНастройки", v_bool(true)) && get(c, "GeneralSettings") == "bool:true", "BOOL: GeneralSettings true");
    check(set(c, "GeneralSettings", v_bool(false)) && get(c, "GeneralSettings") == "bool:false", "BOOL: GeneralSettings false reads back false (sent as false)");
    check(set(c, "GeneralSettings", v_empty()) && get(c, "GeneralSettings") == "empty" && status(c) == 0, "EMPTY: GeneralSettings omitted again, reads back EMPTY");
    check(set(c, "Language", v_str("en")) && get(c, "Язык") == "str:en", "Language en");
    check(get(c, "Password") == "str:" && get(c, "ProxyPassword") == "str:", "passwords read back empty");
    check(get(c, "Version").rfind("str:1.", 0) == 0, "Version -> %s", get(c, "Version").c_str());

    // Empty (Неопределено) and Null on a text setting mean its default: accepted, status 0.
    set(c, "Login", v_str("bot"));
    bool accepted = set(c, "Login", v_empty());
    check(accepted && status(c) == 0 && get(c, "Login") == "str:" && get(c, "IsSuccess") == "bool:true",
          "EMPTY for Login -> accepted, the default \"\" (%d, %s)", status(c), get(c, "Login").c_str());
    set(c, "ФайлЖурнала", v_str("/tmp/addin-host-never-written.log"));
    tVariant null_value = v_empty();
    null_value.vt = VTYPE_NULL;
    check(set(c, "LogFile", null_value) && status(c) == 0 && get(c, "LogFile") == "str:", "NULL for LogFile -> accepted, logging off again");

    // Wrong kinds and bad values: the core's -1 outcome and its text; the property keeps its value.
    set(c, "Login", v_str("bot"));
    set(c, "Login", v_i4(5));
    check(status(c) == -1 && error_text(c) == "Invalid argument: Login must be a string, got integer." && get(c, "Login") == "str:bot",
          "I4 for Login -> -1, \"%s\", Login kept", error_text(c).c_str());
    std::string login_text = error_text(c);
    check(set(c, "Login", v_str("bot")) && status(c) == 0, "Login set again validly: its refusal is gone, status 0");
    set(c, "TimeoutSeconds", v_str("abc"));
    std::string timeout_text = error_text(c);
    check(status(c) == -1 && timeout_text == "Invalid option: the timeout \"abc\" must be between 1 ms and 1 hour." && get(c, "TimeoutSeconds") == "i4:15",
          "PWSTR \"abc\" for TimeoutSeconds -> -1, \"%s\", value kept", timeout_text.c_str());
    check(set(c, "ThrowOnError", v_i4(0)) && get(c, "ThrowOnError") == "bool:false", "I4 0 for ThrowOnError -> accepted as false");
    check(status(c) == -1 && error_text(c) == timeout_text && get(c, "IsSuccess") == "bool:false",
          "an accepted setting keeps reporting the standing refusal (%d, \"%s\")", status(c), error_text(c).c_str());
    set(c, "ThrowOnError", v_i4(2));
    check(status(c) == -1 && error_text(c) == "Invalid option: ThrowOnError \"2\" must be 1 or 0." && get(c, "ThrowOnError") == "bool:false",
          "I4 2 for ThrowOnError -> -1, \"%s\", flag unchanged", error_text(c).c_str());
    set(c, "AllowInsecureHttp", v_date(45000.5));
    check(status(c) == -1 && error_text(c) == "Invalid argument: AllowInsecureHttp must be a boolean, got date.", "DATE -> -1, \"%s\"", error_text(c).c_str());
    set(c, "MaxRetries", v_r8(2.5));
    std::string retries_text = error_text(c);
    check(status(c) == -1 && retries_text == "Invalid option: the retry count \"2.5\" must be between 0 and 10." && get(c, "MaxRetries") == "i4:2",
          "R8 2.5 for MaxRetries -> the core's retries text (\"%s\"), value unchanged", retries_text.c_str());
    set(c, "MaxRetries", v_i4(11));
    retries_text = error_text(c);   // the newer refusal of the same setting replaces the older one
    check(status(c) == -1 && retries_text == "Invalid option: the retry count \"11\" must be between 0 and 10." && get(c, "ЧислоПовторов") == "i4:2",
          "MaxRetries 11 -> -1 from the core's bounds (\"%s\")", retries_text.c_str());
    tVariant lone = v_str("x");
    g_strings.back()[0] = 0xD800;   // a lone surrogate, passed on as it is (as COM passes a BSTR): the core words it
    c->SetPropVal(prop(c, "KeyboardRows"), &lone);
    check(status(c) == -1 && error_text(c) == "Invalid keyboard (row 1, button 1): invalid Unicode character (a lone surrogate).",
          "a lone surrogate in a PWSTR -> the core's text (\"%s\")", error_text(c).c_str());

    // Refusals are sticky: every send answers the oldest standing one (the timeout) and sends nothing.
    emulator_reset();
    bool ok = true;
    int st = call(c, "Send", { v_str("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"), v_str("df4cca69-ce40-472e-9ea6-fd5ea2e1c6c3"), v_str("t") }, &ok);
    int dropped = call(c, "DropKeyboard", { v_str("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"), v_str("df4cca69-ce40-472e-9ea6-fd5ea2e1c6c3") });
    check(ok && st == -1 && dropped == -1 && error_text(c) == timeout_text && emulator_stat("requests") == 0,
          "Send and DropKeyboard while refusals stand -> -1 with the oldest refusal's text, nothing sent (%d %d \"%s\")", st, dropped, error_text(c).c_str());
    set(c, "TimeoutSeconds", v_i4(10));
    set(c, "ThrowOnError", v_bool(false));
    set(c, "AllowInsecureHttp", v_bool(false));
    check(status(c) == -1 && error_text(c) == retries_text, "with the retries refusal still standing, it is what is reported (\"%s\")", error_text(c).c_str());
    set(c, "MaxRetries", v_i4(2));
    check(proc(c, "ClearKeyboard", {}) && status(c) == 0 && error_text(c).empty() && get(c, "IsSuccess") == "bool:true",
          "every refused setting set again validly (ClearKeyboard ends the keyboard's): status 0, no text, IsSuccess");

    // RetryDelaySeconds: the first retry delay in seconds, read back as given; bounds and text are the core's (10 ms .. 30 s).
    check(set(c, "ПаузаПовтораСекунд", v_r8(1.5)) && get(c, "RetryDelaySeconds") == "r8:1.5" && status(c) == 0,
          "R8: RetryDelaySeconds 1.5 -> r8:1.5, status 0");
    check(set(c, "retrydelayseconds", v_i4(2)) && get(c, "ПаузаПовтораСекунд") == "i4:2" && status(c) == 0, "I4: RetryDelaySeconds 2 -> i4:2");
    set(c, "RetryDelaySeconds", v_r8(0.005));
    check(status(c) == -1 && error_text(c) == "Invalid option: the retry delay \"0.005\" must be between 10 ms and 30 s." && get(c, "RetryDelaySeconds") == "i4:2",
          "R8 0.005 (5 ms) for RetryDelaySeconds -> -1, \"%s\", value unchanged", error_text(c).c_str());
    set(c, "RetryDelaySeconds", v_i4(31));
    check(status(c) == -1 && error_text(c) == "Invalid option: the retry delay \"31\" must be between 10 ms and 30 s." && get(c, "RetryDelaySeconds") == "i4:2",
          "I4 31 for RetryDelaySeconds -> -1 from the core's bounds (\"%s\")", error_text(c).c_str());
    set(c, "RetryDelaySeconds", v_bool(true));
    check(status(c) == -1 && error_text(c) == "Invalid argument: RetryDelaySeconds must be a number, got boolean.", "BOOL for RetryDelaySeconds -> -1, \"%s\"",
          error_text(c).c_str());
    check(set(c, "RetryDelaySeconds", v_str("0,01")) && get(c, "RetryDelaySeconds") == "r8:0.01" && status(c) == 0,
          "PWSTR \"0,01\" (the lower bound, decimal comma) -> r8:0.01, the refusal gone, status 0");
    set(c, "RetryDelaySeconds", v_r8(0.25));

    // Send arguments of the wrong kind fail the call only (not sticky).
    st = call(c, "Send", { v_i4(1), v_str("u"), v_str("t") }, &ok);
    check(ok && st == -1 && error_text(c) == "Invalid argument: lineId must be a string, got integer.", "Send with I4 lineId -> -1, \"%s\"", error_text(c).c_str());
    st = call(c, "Send", { v_str("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44") }, &ok);
    std::string missing = error_text(c);
    check(ok && st == -1 && missing == "Invalid argument: user_id is not set." && missing != login_text,
          "Send with missing arguments -> -1, they arrive as Empty: \"%s\"", missing.c_str());
    check(set(c, "Language", v_str("ru")) && status(c) == 0, "Language ru; a failed send argument is not a standing refusal (status 0)");
    set(c, "Login", v_bool(true));
    check(error_text(c) == "Неверный аргумент: Login должен быть типа Строка, передано: Булево.", "Russian text: \"%s\"", error_text(c).c_str());
    check(get(c, "IsSuccess") == "bool:false" && get(c, "КодСостояния") == "i4:-1", "IsSuccess false, КодСостояния -1 after a failure");
    check(set(c, "Login", v_str("bot")) && status(c) == 0, "Login set validly again: nothing stands");
}

static void test_errors(IComponentBase *c)
{
    g_connection.errors.clear();
    check(set(c, "ВызыватьИсключения", v_bool(true)) && get(c, "ThrowOnError") == "bool:true" && g_connection.errors.empty(),
          "ВызыватьИсключения true accepted, no error reported");
    bool r = set(c, "TimeoutSeconds", v_i4(0));
    std::string text = error_text(c);
    check(!r && g_connection.errors.size() == 1 && g_connection.errors[0].code == ADDIN_E_FAIL
          && g_connection.errors[0].description == text && text == "Неверный параметр: тайм-аут «0» должен быть от 1 мс до 1 часа."
          && g_connection.errors[0].source == "Connect.Bridge.Sender",
          "a rejected setting -> SetPropVal false, AddError(ADDIN_E_FAIL, \"Connect.Bridge.Sender\", the core's text \"%s\")", text.c_str());
    g_connection.errors.clear();
    bool ok = true;
    int st = call(c, "Отправить", { v_str("5f0ddfd1-6d9c-4e25-9bca-c7ff0fd83c44"), v_str("u"), v_str("t") }, &ok);
    check(!ok && st == -1 && g_connection.errors.size() == 1 && g_connection.errors[0].description == text,
          "a Send while the timeout refusal stands -> CallAsFunc false, status -1, AddError with the refusal's text");
    g_connection.errors.clear();
    check(set(c, "TimeoutSeconds", v_i4(10)) && g_connection.errors.empty() && status(c) == 0, "a good setting with ThrowOnError -> true, nothing reported, status 0");
    st = call(c, "Отправить", { v_str("not-a-uuid"), v_str("u"), v_str("t") }, &ok);
    check(!ok && st == -1 && g_connection.errors.size() == 1 && g_connection.errors[0].description == error_text(c) && error_text(c) != text,
          "an invalid Send -> CallAsFunc false, status -1, AddError with \"%s\"", error_text(c).c_str());
    g_connection.errors.clear();
    check(!proc(c, "AddKeyboardRow", { v_i4(3) }) && g_connection.errors.size() == 1
          && g_connection.errors[0].description == "Неверный аргумент: buttons должен быть типа Строка, передано: Число.",
          "CallAsProc failing -> false, AddError (\"%s\")", error_text(c).c_str());
    g_connection.errors.clear();
    check(proc(c, "ClearKeyboard", {}) && g_connection.errors.empty() && status(c) == 0, "ClearKeyboard ends the keyboard refusal: true, nothing reported");
    check(set(c, "ThrowOnError", v_bool(false)) && !set(c, "NoSuch", v_i4(1)) && g_connection.errors.empty(), "ThrowOnError false again");
}

static void test_send(IComponentBase *c, const char *base, const char *login, const char *password, const char *line)
{
    const char *user = "df4cca69-ce40-472e-9ea6-fd5ea2e1c6c3";
    set(c, "BaseUrl", v_str(base));
    set(c, "Логин", v_str(login));
    set(c, "Пароль", v_str(password));
    check(status(c) == 0, "settings for the emulator accepted");
    check(set(c, "КлавиатураСтроками", v_str("Да | Нет\nПозвать оператора")) && status(c) == 0, "rows keyboard set");
    check(get(c, "KeyboardJson") == "str:[[{\"text\":\"Да\"},{\"text\":\"Нет\"}],[{\"text\":\"Позвать оператора\"}]]",
          "KeyboardJson reads the rows back as JSON (%s)", get(c, "KeyboardJson").c_str());
    emulator_reset();
    const char *text = "Привет, мир! Ёлка, «кавычки» и 😀";
    bool ok = false;
    int st = call(c, "Отправить", { v_str(line), v_str(user), v_str(text) }, &ok);
    std::string m = emulator_messages();
    std::string keyboard = "[[{\"text\":\"Да\"";
    check(ok && st == 200 && status(c) == 200 && error_text(c).empty() && get(c, "Успешно") == "bool:true",
          "Отправить -> 200, empty error text, Успешно");
    check(m.find(std::string("\"text\":\"") + text + "\"") != std::string::npos && m.find(line) != std::string::npos && m.find(user) != std::string::npos,
          "the emulator recorded the Cyrillic text exactly, line and user");
    size_t kb = m.find("\"keyboard\":");
    std::string recorded = kb == std::string::npos ? "" : m.substr(kb, m.find("]]", kb) + 2 - kb);
    check(recorded.find("\"Да\"") != std::string::npos && recorded.find("\"Нет\"") != std::string::npos
          && recorded.find("],[") != std::string::npos && recorded.find("\"Позвать оператора\"") != std::string::npos
          && recorded.find("\"Да\"") < recorded.find("\"Нет\"") && recorded.find("\"Нет\"") < recorded.find("],[")
          && recorded.find("],[") < recorded.find("\"Позвать оператора\""),
          "the keyboard arrived as two rows, buttons in order (%s)", recorded.c_str());
    check(emulator_stat("accepted") == 1, "exactly one request accepted");

    // AddKeyboardRow (a procedure), ClearKeyboard, DropKeyboard (a function).
    bool added = proc(c, "ДобавитьСтрокуКлавиатуры", { v_str("Ещё") });
    check(added && status(c) == 0 && get(c, "KeyboardRows") == "str:Да | Нет\nПозвать оператора\nЕщё",
          "ДобавитьСтрокуКлавиатуры appends a row (%d, %s, %s)", status(c), error_text(c).c_str(), get(c, "KeyboardRows").c_str());
    check(proc(c, "ClearKeyboard", {}) && get(c, "KeyboardRows") == "str:", "ClearKeyboard empties it");
    emulator_reset();
    st = call(c, "СброситьКлавиатуру", { v_str(line), v_str(user) }, &ok);
    check(ok && st == 200 && emulator_messages().find("drop") != std::string::npos, "СброситьКлавиатуру -> 200, recorded as a drop");

    // GeneralSettings: false is sent as false, Empty omits the field.
    set(c, "GeneralSettings", v_bool(false));
    emulator_reset();
    st = call(c, "Send", { v_str(line), v_str(user), v_str("general false") });
    m = emulator_messages();
    check(st == 200 && m.find("\"general_settings\":false") != std::string::npos, "GeneralSettings false -> sent as \"general_settings\":false");
    set(c, "GeneralSettings", v_empty());
    emulator_reset();
    st = call(c, "Send", { v_str(line), v_str(user), v_str("general omitted") });
    m = emulator_messages();
    check(st == 200 && m.find("general omitted") != std::string::npos && m.find("\"general_settings\":null") != std::string::npos
          && m.find("\"general_settings\":false") == std::string::npos,
          "GeneralSettings Empty -> the field is omitted (the emulator records null)");

    // Invalid input sends nothing; a refused keyboard is sticky until set again validly.
    emulator_reset();
    call(c, "Send", { v_str("not-a-uuid"), v_str(user), v_str("x") });
    int bad_line = status(c);
    call(c, "Send", { v_str(line), v_str(user), v_empty() });
    int no_text = status(c);
    call(c, "Send", { v_str(line), v_str(user), v_str("") });
    int empty_text = status(c);
    check(bad_line == -1 && no_text == -1 && empty_text == -1 && emulator_stat("requests") == 0,
          "invalid line, missing text, empty text -> -1 each (%d %d %d), nothing sent", bad_line, no_text, empty_text);
    set(c, "KeyboardRows", v_str("Один"));
    set(c, "KeyboardJson", v_str("[[{\"text\":"));
    int bad_keyboard = status(c);
    std::string keyboard_text = error_text(c);
    bool kept = get(c, "KeyboardRows") == "str:Один";
    int refused_send = call(c, "Send", { v_str(line), v_str(user), v_str("после неверной клавиатуры") });
    bool same_text = error_text(c) == keyboard_text && !keyboard_text.empty();
    check(bad_keyboard == -1 && kept && refused_send == -1 && same_text && emulator_stat("requests") == 0,
          "broken keyboard JSON -> -1, the previous keyboard kept; the next Send -> -1 with its text (\"%s\"), nothing sent", keyboard_text.c_str());
    set(c, "KeyboardRows", v_str("Два"));
    int after = call(c, "Send", { v_str(line), v_str(user), v_str("после исправленной клавиатуры") });
    m = emulator_messages();
    check(after == 200 && m.find("\"Два\"") != std::string::npos && emulator_stat("requests") == 1,
          "the keyboard set again validly -> the next Send -> %d with it; the emulator saw only that request (%ld)", after, emulator_stat("requests"));
}

// ---- the runner core's add-in surface (tests/runner/runner.h) ------------------------------------------------------
// The bad-input corpus and the fault matrix through the add-in, checked by the same core as the native and COM
// surfaces. The add-in has COM's members under COM's names and takes the same UTF-16 strings, so it runs COM's
// cases: a fresh object per case and language (Init, setMemManager), properties set by name, Send / DropKeyboard
// through CallAsFunc, which must return what LastStatusCode then says.

static void *addin_create(rn_report *r)
{
    IComponentBase *c = create();
    if (!c) { rn_problem(r, "GetClassObject failed"); return nullptr; }
    c->Init(&g_connection);
    c->setMemManager(&g_memory);
    return c;
}

static void addin_destroy(void *obj)
{
    IComponentBase *c = (IComponentBase *)obj;
    g_x.destroy_object(&c);
    g_strings.clear();
}

static tVariant v_value(const rn_value &v)
{
    if (!v.wide) return v_str((const char *)v.data);
    g_strings.push_back(std::u16string((const char16_t *)v.data, v.len));
    tVariant t = v_empty();
    t.pwstrVal = const_cast<WCHAR_T *>(g_strings.back().c_str());
    t.wstrLen = (uint32_t)v.len;
    t.vt = VTYPE_PWSTR;
    return t;
}

static int addin_step(void *obj, const rn_step *st, rn_report *r)
{
    IComponentBase *c = (IComponentBase *)obj;
    for (int k = 0; k < st->nargs; k++)
        if (st->args[k].is_null) { rn_problem(r, "a NULL value has no add-in form"); return RN_BROKEN; }
    bool returned;
    if (st->kind == 'O' || st->kind == 'K') {
        rn_number number;
        bool is_number = rn_com_number(st, &number) != 0; // the fault matrix's timeout, retries and retry delay
        const char *name = is_number ? number.property : st->kind == 'K' ? rn_keyboard_property(st->number) : rn_com_property(st->number);
        if (!name) { rn_problem(r, "option or keyboard format %d has no add-in property", st->number); return RN_BROKEN; }
        tVariant v = !is_number ? v_value(st->args[0]) : number.whole ? v_i4((int32_t)number.integer) : v_r8(number.fraction);
        returned = set(c, name, v);
        if (!returned) { rn_problem(r, "SetPropVal(%s) returned false with ThrowOnError off", name); return RN_BROKEN; }
        return status(c);
    }
    std::vector<tVariant> args;
    for (int k = 0; k < st->nargs; k++) args.push_back(v_value(st->args[k]));
    int got = call(c, st->kind == 'M' ? "Send" : "DropKeyboard", args, &returned), st_now = status(c);
    if (!returned) { rn_problem(r, "CallAsFunc returned false with ThrowOnError off"); return RN_BROKEN; }
    if (got != st_now) { rn_problem(r, "the call returned %d but LastStatusCode is %d", got, st_now); return RN_BROKEN; }
    return got;
}

static int addin_status(void *obj) { return status((IComponentBase *)obj); }

static uint16_t *addin_error(void *obj, rn_report *r, size_t *len)
{
    IComponentBase *c = (IComponentBase *)obj;
    tVariant v = v_empty();
    if (!c->GetPropVal(prop(c, "LastErrorText"), &v) || v.vt != VTYPE_PWSTR || !g_memory.owns(v.pwstrVal) || v.pwstrVal[v.wstrLen] != 0) {
        rn_problem(r, "LastErrorText: not a NUL-terminated string in the host's memory (%s)", describe(v).c_str());
        return nullptr;
    }
    uint16_t *out = (uint16_t *)malloc((v.wstrLen + 1) * sizeof *out);
    memcpy(out, v.pwstrVal, (v.wstrLen + 1) * sizeof *out);
    *len = v.wstrLen;
    void *block = v.pwstrVal;
    g_memory.FreeMemory(&block);
    return out;
}

static const rn_surface kAddIn = { "com", "add-in", nullptr, addin_create, addin_destroy, addin_step, addin_status, addin_error, nullptr };

int main(int argc, char **argv)
{
    setvbuf(stdout, nullptr, _IOLBF, 0);
    const char *base = getenv("CB_TEST_BASE_URL"), *login = getenv("CB_TEST_LOGIN"), *password = getenv("CB_TEST_PASSWORD"),
               *line = getenv("CB_TEST_LINE");
    if (argc < 3 || !base || !login || !password || !line) {
        fprintf(stderr, "usage: host ZIP CACHE-DIR, with CB_TEST_BASE_URL, CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE set\n");
        return 2;
    }
    const char *colon = strrchr(base, ':');
    g_port = colon ? atoi(colon + 1) : 0;

    void *h = load_from_zip(argv[1], argv[2]);
    bool runner_mode = argc >= 5 && (strcmp(argv[3], "corpus") == 0 || strcmp(argv[3], "faults") == 0);
    if (!h) { check(false, "the library loaded from the ZIP"); return check_summary(); }
    g_x.get_class_object = (GetClassObjectPtr)dlsym(h, "GetClassObject");
    g_x.destroy_object = (DestroyObjectPtr)dlsym(h, "DestroyObject");
    g_x.get_class_names = (GetClassNamesPtr)dlsym(h, "GetClassNames");
    g_x.set_platform_capabilities = (SetPlatformCapabilitiesPtr)dlsym(h, "SetPlatformCapabilities");
    g_x.get_attach_type = (GetAttachTypePtr)dlsym(h, "GetAttachType");
    bool all = g_x.get_class_object && g_x.destroy_object && g_x.get_class_names && g_x.set_platform_capabilities && g_x.get_attach_type;
    check(all && dlsym(h, "cb_version") != nullptr, "the five add-in exports and the cb_* exports are in one library");
    if (!all) return check_summary();
    if (runner_mode) {
        int rc = rn_main(&kAddIn, argc - 2, argv + 2);
        if (!g_memory.live.empty() || g_memory.foreign_frees) { printf("FAIL host memory: %zu blocks left, %ld foreign frees\n", g_memory.live.size(), g_memory.foreign_frees); rc = 1; }
        return rc;
    }
    test_exports();

    // 1C's order: Init, then setMemManager; GetInfo; RegisterExtensionAs.
    IComponentBase *c = create();
    check(c != nullptr, "GetClassObject(\"Sender\") creates an object");
    if (!c) return check_summary();
    long before = g_memory.allocations;
    check(c->Init(&g_connection) && g_memory.allocations == before, "Init -> true, nothing allocated through the host inside Init");
    check(c->setMemManager(&g_memory), "setMemManager after Init -> true");
    check(c->GetInfo() == 2000, "GetInfo -> %ld", c->GetInfo());
    WCHAR_T *ext = nullptr;
    bool reg = c->RegisterExtensionAs(&ext);
    bool ext_owned = g_memory.owns(ext);
    check(reg && ext_owned && g_memory.take(ext) == "Sender", "RegisterExtensionAs -> \"Sender\" in host memory");
    c->SetLocale(u16("ru_RU").c_str());
    c->SetUserInterfaceLanguageCode(u16("ru").c_str());
    test_layout(c);
    test_names(c);
    test_values(c, base);
    test_errors(c);
    test_send(c, base, login, password, line);
    c->Done();
    c->Done();
    check(g_x.destroy_object(&c) == 0 && c == nullptr, "Done twice, then DestroyObject -> 0 and the pointer cleared");

    // OneScript's order: setMemManager before Init; no GetInfo, no RegisterExtensionAs; released with delete (the
    // vtable's deleting destructor), after which DestroyObject must refuse the stale pointer.
    IComponentBase *o = create("sender");
    check(o != nullptr, "GetClassObject(\"sender\"): the class name in any case");
    if (o) {
        check(o->setMemManager(&g_memory) && o->Init(&g_connection), "setMemManager before Init -> true, true");
        check(set(o, "baseurl", v_str(base)) && get(o, "BASEURL") == std::string("str:") + base, "works without GetInfo / RegisterExtensionAs");
        o->Done();
        IComponentBase *stale = o;
        delete o;   // IComponentBase's virtual destructor: the deleting slot of the first vtable
        check(g_x.destroy_object(&stale) != 0, "DestroyObject after the vtable destructor released the object -> refused, no crash");
    }

    // Released through a secondary base (a host holding LocaleBase*): the destructor slot of the third vtable.
    IComponentBase *s = create();
    if (s) {
        s->setMemManager(&g_memory);
        IComponentBase *stale = s;
        LocaleBase *locale = s;
        delete locale;
        check(g_x.destroy_object(&stale) != 0, "delete through LocaleBase* released it (DestroyObject then refuses the pointer)");
    }

    // Never Done, never Init: DestroyObject alone.
    IComponentBase *bare = create();
    check(bare && g_x.destroy_object(&bare) == 0, "an object never initialised is destroyed cleanly");

    check(g_memory.live.empty(), "no block from the host's memory manager is left (%zu live, %ld allocated in all)", g_memory.live.size(), g_memory.allocations);
    check(g_memory.foreign_frees == 0, "the host never had to free a block it did not allocate");
    return check_summary();
}
