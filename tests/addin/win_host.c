/*
 * win_host.c -- a test host for AddIn.ConnectBridge.Sender that calls the Windows connect_bridge.dll as a Windows
 * 1C:Enterprise (built by MSVC) does, written in C with the MSVC-layout vtables spelled out, so nothing depends on
 * what mingw's C++ ABI would do:
 *   - every vtable starts with ONE destructor slot (MSVC's "scalar deleting destructor": __thiscall on x86, `this`
 *     in ECX, a hidden `unsigned flags` argument, bit 0 = free, returns `this`), then the methods in header order,
 *     __stdcall on x86 (`this` on the stack); the slot before each table is MSVC's RTTI locator;
 *   - tVariant as Windows lays it out (the union holds the CRT's struct tm): sizeof 48, cbElements at 40, vt at 44,
 *     on x86 and x64 (asserted at compile time and printed);
 *   - LoadLibraryW, the five exports by plain name (cdecl), GetClassObject, Init + setMemManager, GetInfo,
 *     RegisterExtensionAs, FindProp/FindMethod by English and Russian name and odd case, the names read back,
 *     settings for the emulator, a Send with Cyrillic text and a rows keyboard (the calling script checks what the
 *     emulator recorded), wrong-typed values (-1 and the core's text), ThrowOnError (AddError + false), Done,
 *     DestroyObject, release through the destructor slot (primary and secondary base);
 *   - a memory manager that tracks every block: everything the component hands back was allocated there, the host
 *     frees it all, nothing is left, nothing foreign is freed.
 * Usage: win_host.exe <path of connect_bridge.dll>   (environment: CB_TEST_BASE_URL,
 * CB_TEST_LOGIN, CB_TEST_PASSWORD, CB_TEST_LINE). Ends with "N passed, N failed". The password is never printed.
 */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#if defined(_WIN64)
#  define ADDIN_API
#  define DTOR_CALL
#  define ARCH "x64"
#else
#  define ADDIN_API __attribute__((stdcall))
#  define DTOR_CALL __attribute__((thiscall))
#  define ARCH "x86"
#endif

typedef uint16_t WCHAR_T;
#define P ((int)sizeof(void*))

/* ---- tVariant (types.h of 1C's SDK, declared here) --------------------------------------------------------- */

enum { VTYPE_EMPTY = 0, VTYPE_I4 = 3, VTYPE_R8 = 5, VTYPE_BOOL = 11, VTYPE_I8 = 17, VTYPE_PWSTR = 22 };
typedef struct { uint32_t a; uint16_t b, c; uint8_t d[8]; } IID16;
typedef struct tVariant {
    union {
        int8_t i8Val; int16_t shortVal; int32_t lVal; int intVal; unsigned int uintVal; int64_t llVal;
        uint8_t ui8Val; uint16_t ushortVal; uint32_t ulVal; uint64_t ullVal; int32_t errCode; long hRes;
        float fltVal; double dblVal; unsigned char bVal; char chVal; wchar_t wchVal; double date; IID16 IDVal;
        struct tVariant* pvarVal; struct tm tmVal;
        struct { void* pInterfaceVal; IID16 InterfaceID; } iface;
        struct { char* pstrVal; uint32_t strLen; } str;
        struct { WCHAR_T* pwstrVal; uint32_t wstrLen; } wstr;
    } u;
    uint32_t cbElements;
    uint16_t vt;
} tVariant;
_Static_assert(sizeof(tVariant) == 48, "tVariant is 48 bytes on Windows");
_Static_assert(offsetof(tVariant, cbElements) == 40, "cbElements at 40");
_Static_assert(offsetof(tVariant, vt) == 44, "vt at 44");

/* ---- the component's vtables, as function pointer types --------------------------------------------------- */

typedef void* (DTOR_CALL* fn_dtor)(void* self, unsigned flags);
typedef unsigned char (ADDIN_API* fn_init)(void* self, void* connection);
typedef unsigned char (ADDIN_API* fn_set_mem)(void* self, void* memory);
typedef long (ADDIN_API* fn_get_info)(void* self);
typedef void (ADDIN_API* fn_done)(void* self);
typedef unsigned char (ADDIN_API* fn_register)(void* self, WCHAR_T** name);
typedef long (ADDIN_API* fn_find)(void* self, const WCHAR_T* name);
typedef const WCHAR_T* (ADDIN_API* fn_get_name)(void* self, long num, long alias);
typedef unsigned char (ADDIN_API* fn_prop_val)(void* self, long num, tVariant* value);
typedef long (ADDIN_API* fn_n_params)(void* self, long num);
typedef unsigned char (ADDIN_API* fn_has_ret)(void* self, long num);
typedef unsigned char (ADDIN_API* fn_call_proc)(void* self, long num, tVariant* params, long count);
typedef unsigned char (ADDIN_API* fn_call_func)(void* self, long num, tVariant* result, tVariant* params, long count);

enum { INIT_DTOR = 0, INIT_INIT, INIT_SETMEM, INIT_GETINFO, INIT_DONE };
enum { LE_DTOR = 0, LE_REGISTER, LE_NPROPS, LE_FINDPROP, LE_PROPNAME, LE_GETPROP, LE_SETPROP, LE_READABLE, LE_WRITABLE,
       LE_NMETHODS, LE_FINDMETHOD, LE_METHODNAME, LE_NPARAMS, LE_DEFVALUE, LE_HASRET, LE_CALLPROC, LE_CALLFUNC };

static void** vtbl(void* obj, int base) { return *(void***)((char*)obj + base * P); }
static void* le(void* obj) { return (char*)obj + P; } /* this of ILanguageExtenderBase */

/* ---- output ---------------------------------------------------------------------------------------------- */

static int g_passed, g_failed;
static void check(int ok, const char* fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("%s [" ARCH "] ", ok ? "PASS" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    fflush(stdout);
    va_end(ap);
    if (ok) g_passed++; else g_failed++;
}

static const char* utf8(const WCHAR_T* w) /* rotating buffers, for messages */
{
    static char buf[4][2048];
    static int next;
    char* out = buf[next++ & 3];
    out[0] = 0;
    if (w) WideCharToMultiByte(CP_UTF8, 0, (const wchar_t*)w, -1, out, sizeof buf[0], NULL, NULL);
    return out;
}

static const WCHAR_T* wide(const char* s) /* rotating buffers */
{
    static WCHAR_T buf[8][1024];
    static int next;
    WCHAR_T* out = buf[next++ & 7];
    out[0] = 0;
    MultiByteToWideChar(CP_UTF8, 0, s, -1, (wchar_t*)out, 1024);
    return out;
}

static int same(const WCHAR_T* a, const WCHAR_T* b) { return a && b && wcscmp((const wchar_t*)a, (const wchar_t*)b) == 0; }

/* ---- the host's IMemoryManager: tracks every block ------------------------------------------------------- */

#define MAX_BLOCKS 4096
static void* g_blocks[MAX_BLOCKS];
static int g_live, g_allocs, g_foreign;

static int tracked(const void* p)
{
    for (int i = 0; i < MAX_BLOCKS; i++) if (p && g_blocks[i] == p) return 1;
    return 0;
}
static void* DTOR_CALL mem_dtor(void* self, unsigned flags) { (void)flags; return self; }
static unsigned char ADDIN_API mem_alloc(void* self, void** memory, unsigned long bytes)
{
    (void)self;
    for (int i = 0; i < MAX_BLOCKS; i++) {
        if (!g_blocks[i]) {
            g_blocks[i] = *memory = HeapAlloc(GetProcessHeap(), 0, bytes ? bytes : 1);
            if (!*memory) return 0;
            g_live++;
            g_allocs++;
            return 1;
        }
    }
    *memory = NULL;
    return 0;
}
static void ADDIN_API mem_free(void* self, void** memory)
{
    (void)self;
    if (!memory || !*memory) return;
    for (int i = 0; i < MAX_BLOCKS; i++) {
        if (g_blocks[i] == *memory) {
            HeapFree(GetProcessHeap(), 0, *memory);
            g_blocks[i] = NULL;
            g_live--;
            *memory = NULL;
            return;
        }
    }
    g_foreign++;
}
static void* g_mem_vtbl[] = { NULL /* RTTI locator */, (void*)mem_dtor, (void*)mem_alloc, (void*)mem_free };
static struct { void** vtbl; } g_mem = { &g_mem_vtbl[1] };

/* Frees what the component returned, as 1C does; counts a block not from this manager as foreign. */
static void host_free(const void* p)
{
    void* q = (void*)p;
    if (p) mem_free(&g_mem, &q);
}

/* ---- the host's IAddInDefBase: records AddError, counts anything else ---------------------------------------- */

static int g_errors, g_unexpected;
static unsigned short g_error_code;
static long g_error_scode;
static WCHAR_T g_error_source[256], g_error_text[1024];

static void* DTOR_CALL conn_dtor(void* self, unsigned flags) { (void)flags; return self; }
static unsigned char ADDIN_API conn_add_error(void* self, unsigned short wcode, const WCHAR_T* source, const WCHAR_T* descr, long scode)
{
    (void)self;
    g_errors++;
    g_error_code = wcode;
    g_error_scode = scode;
    lstrcpynW((wchar_t*)g_error_source, source ? (const wchar_t*)source : L"", 256);
    lstrcpynW((wchar_t*)g_error_text, descr ? (const wchar_t*)descr : L"", 1024);
    return 1;
}
static unsigned char ADDIN_API conn_read(void* s, WCHAR_T* n, tVariant* v, long* e, WCHAR_T** d) { (void)s; (void)n; (void)v; (void)e; (void)d; g_unexpected++; return 0; }
static unsigned char ADDIN_API conn_write(void* s, WCHAR_T* n, tVariant* v) { (void)s; (void)n; (void)v; g_unexpected++; return 0; }
static unsigned char ADDIN_API conn_register_profile(void* s, WCHAR_T* n) { (void)s; (void)n; g_unexpected++; return 0; }
static unsigned char ADDIN_API conn_set_depth(void* s, long d) { (void)s; (void)d; g_unexpected++; return 0; }
static long ADDIN_API conn_get_depth(void* s) { (void)s; g_unexpected++; return 0; }
static unsigned char ADDIN_API conn_event(void* s, WCHAR_T* a, WCHAR_T* b, WCHAR_T* c) { (void)s; (void)a; (void)b; (void)c; g_unexpected++; return 0; }
static void ADDIN_API conn_clean(void* s) { (void)s; g_unexpected++; }
static unsigned char ADDIN_API conn_status(void* s, WCHAR_T* l) { (void)s; (void)l; g_unexpected++; return 0; }
static void ADDIN_API conn_reset_status(void* s) { (void)s; g_unexpected++; }
static void* g_conn_vtbl[] = { NULL /* RTTI locator */, (void*)conn_dtor, (void*)conn_add_error, (void*)conn_read,
                               (void*)conn_write, (void*)conn_register_profile, (void*)conn_set_depth, (void*)conn_get_depth,
                               (void*)conn_event, (void*)conn_clean, (void*)conn_status, (void*)conn_reset_status };
static struct { void** vtbl; } g_conn = { &g_conn_vtbl[1] };

/* ---- calls ------------------------------------------------------------------------------------------------ */

static tVariant v_empty(void) { tVariant v; memset(&v, 0, sizeof v); v.vt = VTYPE_EMPTY; return v; }
static tVariant v_i4(int x) { tVariant v = v_empty(); v.u.lVal = x; v.vt = VTYPE_I4; return v; }
static tVariant v_bool(int x) { tVariant v = v_empty(); v.u.bVal = (unsigned char)(x != 0); v.vt = VTYPE_BOOL; return v; }
static tVariant v_str(const WCHAR_T* s) /* the host's own buffer, as 1C passes it */
{
    tVariant v = v_empty();
    v.u.wstr.pwstrVal = (WCHAR_T*)s;
    v.u.wstr.wstrLen = (uint32_t)wcslen((const wchar_t*)s);
    v.vt = VTYPE_PWSTR;
    return v;
}

static long find_prop(void* obj, const char* name) { return ((fn_find)vtbl(obj, 1)[LE_FINDPROP])(le(obj), wide(name)); }
static long find_method(void* obj, const char* name) { return ((fn_find)vtbl(obj, 1)[LE_FINDMETHOD])(le(obj), wide(name)); }
static int set_prop(void* obj, const char* name, tVariant v) { return ((fn_prop_val)vtbl(obj, 1)[LE_SETPROP])(le(obj), find_prop(obj, name), &v); }

/* A property as text ("i4:200", "str:...", "bool:true"); a returned string must come from the memory manager and is freed. */
static const char* get_prop(void* obj, const char* name)
{
    static char out[4][2048];
    static int next;
    char* o = out[next++ & 3];
    tVariant v = v_empty();
    if (!((fn_prop_val)vtbl(obj, 1)[LE_GETPROP])(le(obj), find_prop(obj, name), &v)) return "failed";
    switch (v.vt) {
    case VTYPE_I4: snprintf(o, 2048, "i4:%d", (int)v.u.lVal); break;
    case VTYPE_BOOL: snprintf(o, 2048, "bool:%s", v.u.bVal ? "true" : "false"); break;
    case VTYPE_PWSTR:
        if (v.u.wstr.pwstrVal && !tracked(v.u.wstr.pwstrVal)) g_foreign++;
        snprintf(o, 2048, "str:%s", utf8(v.u.wstr.pwstrVal));
        host_free(v.u.wstr.pwstrVal);
        break;
    case VTYPE_EMPTY: snprintf(o, 2048, "empty"); break;
    default: snprintf(o, 2048, "vt%d", v.vt); break;
    }
    return o;
}
static int status_of(void* obj) { return atoi(get_prop(obj, "LastStatusCode") + 3); }
static const char* error_of(void* obj) { return get_prop(obj, "LastErrorText") + 4; }

/* CallAsFunc of a method returning an I4; *ok = what CallAsFunc returned. */
static int call_func(void* obj, const char* method, tVariant* params, long count, int* ok)
{
    tVariant r = v_empty();
    *ok = ((fn_call_func)vtbl(obj, 1)[LE_CALLFUNC])(le(obj), find_method(obj, method), &r, params, count);
    return r.vt == VTYPE_I4 ? (int)r.u.lVal : -9999;
}

typedef long (*fn_get_class_object)(const WCHAR_T* name, void** result);
typedef long (*fn_destroy_object)(void** object);
typedef const WCHAR_T* (*fn_get_class_names)(void);
typedef int (*fn_set_capabilities)(int capabilities);
typedef int (*fn_get_attach_type)(void);
static fn_get_class_object GetClassObject_;
static fn_destroy_object DestroyObject_;

/* A new object, Init (1C's order: Init, then setMemManager). */
static void* create(void)
{
    void* obj = NULL;
    if (!GetClassObject_(L"Sender", &obj) || !obj) return NULL;
    ((fn_init)vtbl(obj, 0)[INIT_INIT])(obj, &g_conn);
    ((fn_set_mem)vtbl(obj, 0)[INIT_SETMEM])(obj, &g_mem);
    return obj;
}

/* The text sent; the calling script checks that the emulator recorded exactly this. A literal, not an argument:
   Wine hands argv (and getenv) to a program through the ANSI code page, which turns Cyrillic into '?'. */
#define MESSAGE_TEXT L"Привет из Windows, мир! Ёлка «кавычки» и 😀"

static const char* env(const char* name) { const char* v = getenv(name); return v ? v : ""; }

int main(int argc, char** argv)
{
    if (argc < 2) { fprintf(stderr, "usage: win_host.exe <connect_bridge.dll>\n"); return 2; }
    const char* user = "df4cca69-ce40-472e-9ea6-fd5ea2e1c6c3";
    printf("# [" ARCH "] tVariant: sizeof %u, cbElements at %u, vt at %u, wstrLen at %u\n", (unsigned)sizeof(tVariant),
           (unsigned)offsetof(tVariant, cbElements), (unsigned)offsetof(tVariant, vt), (unsigned)offsetof(tVariant, u.wstr.wstrLen));

    /* ---- loading and the exports ---- */
    HMODULE dll = LoadLibraryW((const wchar_t*)wide(argv[1]));
    check(dll != NULL, "LoadLibraryW(%s) (error %lu)", argv[1], dll ? 0ul : GetLastError());
    if (!dll) goto end;
    fn_get_class_names names = (fn_get_class_names)(void*)GetProcAddress(dll, "GetClassNames");
    GetClassObject_ = (fn_get_class_object)(void*)GetProcAddress(dll, "GetClassObject");
    DestroyObject_ = (fn_destroy_object)(void*)GetProcAddress(dll, "DestroyObject");
    fn_set_capabilities caps = (fn_set_capabilities)(void*)GetProcAddress(dll, "SetPlatformCapabilities");
    fn_get_attach_type attach = (fn_get_attach_type)(void*)GetProcAddress(dll, "GetAttachType");
    check(names && GetClassObject_ && DestroyObject_ && caps && attach, "the five add-in exports found by plain name");
    if (!(names && GetClassObject_ && DestroyObject_ && caps && attach)) goto end;
    check(same(names(), L"Sender"), "GetClassNames -> \"%s\"", utf8(names()));
    check(caps(3) == 3, "SetPlatformCapabilities(3) -> 3");
    check(attach() == 3, "GetAttachType -> 3 (eCanAttachAny)");
    void* none = (void*)1;
    check(GetClassObject_(L"NoSuchClass", &none) == 0, "GetClassObject of an unknown class -> 0");

    /* ---- the object and its MSVC layout ---- */
    void* obj = NULL;
    long created = GetClassObject_(L"Sender", &obj);
    check(created != 0 && obj != NULL, "GetClassObject(\"Sender\") -> %ld, object %p", created, obj);
    if (!obj) goto end;
    int prefix_ok = 1;
    for (int i = 0; i < 4; i++) prefix_ok &= vtbl(obj, i) != NULL && vtbl(obj, i)[-1] == NULL && vtbl(obj, i)[0] != NULL;
    check(prefix_ok, "four vtable pointers at 0, P, 2P, 3P; each table's RTTI-locator slot is null, its destructor slot set");
    check(((fn_init)vtbl(obj, 0)[INIT_INIT])(obj, &g_conn), "Init(connection) -> true");
    check(((fn_set_mem)vtbl(obj, 0)[INIT_SETMEM])(obj, &g_mem), "setMemManager -> true");
    check(((fn_get_info)vtbl(obj, 0)[INIT_GETINFO])(obj) == 2000, "GetInfo -> 2000");
    WCHAR_T* ext = NULL;
    int reg = ((fn_register)vtbl(obj, 1)[LE_REGISTER])(le(obj), &ext);
    check(reg && same(ext, L"Sender") && tracked(ext), "RegisterExtensionAs -> \"%s\", allocated by the host's memory manager", utf8(ext));
    host_free(ext);

    /* ---- names ---- */
    long login = find_prop(obj, "Login");
    check(login >= 0 && find_prop(obj, "Логин") == login && find_prop(obj, "lOgIn") == login && find_prop(obj, "ЛоГиН") == login,
          "FindProp Login = Логин = lOgIn = ЛоГиН (%ld)", login);
    const WCHAR_T* ru = ((fn_get_name)vtbl(obj, 1)[LE_PROPNAME])(le(obj), login, 1);
    check(same(ru, L"Логин") && tracked(ru), "GetPropName(Login, 1) -> \"%s\" from the memory manager", utf8(ru));
    host_free(ru);
    long send = find_method(obj, "Send");
    check(send >= 0 && find_method(obj, "Отправить") == send && find_method(obj, "sEnD") == send && find_method(obj, "оТПРАВИТЬ") == send,
          "FindMethod Send = Отправить = sEnD = оТПРАВИТЬ (%ld)", send);
    const WCHAR_T* en = ((fn_get_name)vtbl(obj, 1)[LE_METHODNAME])(le(obj), send, 0);
    check(same(en, L"Send") && tracked(en), "GetMethodName(Send, 0) -> \"%s\" from the memory manager", utf8(en));
    host_free(en);
    check(((fn_n_params)vtbl(obj, 1)[LE_NPARAMS])(le(obj), send) == 3 && ((fn_has_ret)vtbl(obj, 1)[LE_HASRET])(le(obj), send),
          "Send: GetNParams 3, HasRetVal true");
    check(find_prop(obj, "NoSuchProp") == -1 && find_method(obj, "NoSuchMethod") == -1, "unknown names -> -1");

    /* ---- wrong-typed values: -1 and the core's text ---- */
    int ok = 0;
    check(set_prop(obj, "Language", v_str(L"en")) && strcmp(get_prop(obj, "Язык"), "str:en") == 0, "Language en");
    tVariant bad[3] = { v_i4(1), v_str(L"u"), v_str(L"t") };
    int st = call_func(obj, "Send", bad, 3, &ok);
    check(ok && st == -1 && strcmp(error_of(obj), "Invalid argument: lineId must be a string, got integer.") == 0,
          "Send with an I4 lineId -> CallAsFunc true, -1, \"%s\"", error_of(obj));
    check(set_prop(obj, "Language", v_str(L"ru")), "Language ru");
    set_prop(obj, "Login", v_bool(1));
    check(status_of(obj) == -1 && strcmp(error_of(obj), "Неверный аргумент: Login должен быть типа Строка, передано: Булево.") == 0,
          "BOOL for Login -> КодСостояния -1, \"%s\"", error_of(obj));
    check(strcmp(get_prop(obj, "IsSuccess"), "bool:false") == 0, "IsSuccess false after it");

    /* ---- settings for the emulator, a Send with Cyrillic text and a rows keyboard ---- */
    set_prop(obj, "АдресСервиса", v_str(wide(env("CB_TEST_BASE_URL"))));
    set_prop(obj, "Логин", v_str(wide(env("CB_TEST_LOGIN"))));
    set_prop(obj, "Password", v_str(wide(env("CB_TEST_PASSWORD"))));
    check(status_of(obj) == 0 && strcmp(error_of(obj), "") == 0, "BaseUrl, Login, Password for the emulator accepted (status 0, no text)");
    check(set_prop(obj, "КлавиатураСтроками", v_str(L"Да | Нет\nПозвать оператора")) && status_of(obj) == 0, "rows keyboard set");
    check(strcmp(get_prop(obj, "KeyboardJson"), "str:[[{\"text\":\"Да\"},{\"text\":\"Нет\"}],[{\"text\":\"Позвать оператора\"}]]") == 0,
          "KeyboardJson reads the rows back as JSON");
    tVariant args[3] = { v_str(wide(env("CB_TEST_LINE"))), v_str(wide(user)), v_str(MESSAGE_TEXT) };
    st = call_func(obj, "Отправить", args, 3, &ok);
    check(ok && st == 200 && status_of(obj) == 200 && strcmp(error_of(obj), "") == 0 && strcmp(get_prop(obj, "Успешно"), "bool:true") == 0,
          "Отправить -> 200, КодСостояния 200, no error text, Успешно (%d)", st);
    tVariant invalid[3] = { v_str(L"not-a-uuid"), v_str(wide(user)), v_str(L"x") };
    st = call_func(obj, "Send", invalid, 3, &ok);
    check(ok && st == -1 && status_of(obj) == -1, "Send with an invalid line id -> -1 (nothing sent: the script counts the requests)");

    /* ---- ThrowOnError: AddError + false ---- */
    g_errors = 0;
    check(set_prop(obj, "ВызыватьИсключения", v_bool(1)) && strcmp(get_prop(obj, "ThrowOnError"), "bool:true") == 0 && g_errors == 0,
          "ВызыватьИсключения true, nothing reported");
    int r = set_prop(obj, "TimeoutSeconds", v_i4(0));
    const char* text = error_of(obj);
    check(!r && g_errors == 1 && g_error_code == 1006 && strcmp(utf8(g_error_text), text) == 0
          && strcmp(text, "Неверный параметр: тайм-аут «0» должен быть от 1 мс до 1 часа.") == 0
          && same(g_error_source, L"Connect.Bridge.Sender") && g_error_scode == (long)0x80004005,
          "a rejected setting -> SetPropVal false, AddError(1006, \"%s\", \"%s\", E_FAIL)", utf8(g_error_source), utf8(g_error_text));
    g_errors = 0;
    check(set_prop(obj, "TimeoutSeconds", v_i4(10)) && g_errors == 0, "a good setting -> true, nothing reported");
    st = call_func(obj, "Send", invalid, 3, &ok);
    check(!ok && st == -1 && g_errors == 1 && strcmp(utf8(g_error_text), error_of(obj)) == 0,
          "an invalid Send -> CallAsFunc false, -1, AddError with \"%s\"", utf8(g_error_text));
    g_errors = 0;
    check(set_prop(obj, "ThrowOnError", v_bool(0)) && g_errors == 0, "ThrowOnError false again");

    /* ---- release: Done, DestroyObject ---- */
    ((fn_done)vtbl(obj, 0)[INIT_DONE])(obj);
    ((fn_done)vtbl(obj, 0)[INIT_DONE])(obj);
    long destroyed = DestroyObject_(&obj);
    check(destroyed == 0 && obj == NULL, "Done twice, DestroyObject -> 0 and the pointer cleared");
    check(DestroyObject_(&obj) == -1, "DestroyObject of a cleared pointer -> -1");

    /* ---- release through the destructor slot (flags 1: delete), primary and secondary base ---- */
    void* a = create();
    check(a != NULL, "a second object");
    if (a) {
        set_prop(a, "Login", v_str(L"bot"));
        void* back = ((fn_dtor)vtbl(a, 0)[0])(a, 1);
        check(back == a, "IInitDoneBase's deleting destructor (flags 1) returns this");
        void* stale = a;
        check(DestroyObject_(&stale) == -1, "DestroyObject after the destructor-slot release refuses the pointer");
    }
    void* b = create();
    check(b != NULL, "a third object");
    if (b) {
        void* back = ((fn_dtor)vtbl(b, 1)[0])(le(b), 1);
        check(back == le(b), "ILanguageExtenderBase's deleting destructor (this = object + P, flags 1) returns its this");
        void* stale = b;
        check(DestroyObject_(&stale) == -1, "DestroyObject after the secondary-base release refuses the pointer");
    }
    void* c = create();
    if (c) {
        ((fn_dtor)vtbl(c, 0)[0])(c, 0); /* flags 0: destruct without freeing; the memory stays the component's */
        long freed = DestroyObject_(&c);
        check(freed == 0 && c == NULL, "destructor slot with flags 0 (state released, memory kept), then DestroyObject frees it -> 0");
    }

    /* ---- memory ---- */
    check(g_allocs > 0 && g_live == 0 && g_foreign == 0 && g_unexpected == 0,
          "memory manager: %d blocks handed out, %d left, %d foreign frees; no unexpected IAddInDefBase calls (%d)",
          g_allocs, g_live, g_foreign, g_unexpected);
end:
    printf("%d passed, %d failed\n", g_passed, g_failed);
    fflush(stdout);
    return g_failed ? 1 : 0;
}
