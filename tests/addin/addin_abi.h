/*
 * The 1C:Enterprise "Native API" interfaces as a C++ host sees them, declared from the published layout
 * (ComponentBase.h, AddInDefBase.h, IMemoryManager.h, types.h of 1C's SDK; written here, not copied), so that g++
 * lays out the vtables and calls exactly as a Linux 1C does: virtual destructors first (two Itanium slots), then
 * the methods in header order; WCHAR_T is 2-byte UTF-16, long is 8 bytes on Linux x64, bool is 1 byte.
 */
#ifndef CONNECT_BRIDGE_ADDIN_ABI_H
#define CONNECT_BRIDGE_ADDIN_ABI_H

#include <string>
#include <cstdint>
#include <ctime>

typedef char16_t WCHAR_T;

enum VarType : uint16_t {
    VTYPE_EMPTY = 0, VTYPE_NULL = 1, VTYPE_I2 = 2, VTYPE_I4 = 3, VTYPE_R4 = 4, VTYPE_R8 = 5, VTYPE_DATE = 6,
    VTYPE_TM = 7, VTYPE_PSTR = 8, VTYPE_INTERFACE = 9, VTYPE_ERROR = 10, VTYPE_BOOL = 11, VTYPE_I1 = 13,
    VTYPE_UI1 = 14, VTYPE_UI2 = 15, VTYPE_UI4 = 16, VTYPE_I8 = 17, VTYPE_UI8 = 18, VTYPE_PWSTR = 22, VTYPE_BLOB = 23,
};

struct IID16 { uint32_t a; uint16_t b, c; uint8_t d[8]; };

struct tVariant {
    union {
        int8_t i8Val;
        int16_t shortVal;
        int32_t lVal;
        int intVal;
        unsigned int uintVal;
        int64_t llVal;
        uint8_t ui8Val;
        uint16_t ushortVal;
        uint32_t ulVal;
        uint64_t ullVal;
        int32_t errCode;
        long hRes;
        float fltVal;
        double dblVal;
        bool bVal;
        char chVal;
        wchar_t wchVal;
        double date;
        IID16 IDVal;
        tVariant *pvarVal;
        struct tm tmVal;
        struct { void *pInterfaceVal; IID16 InterfaceID; };
        struct { char *pstrVal; uint32_t strLen; };
        struct { WCHAR_T *pwstrVal; uint32_t wstrLen; };
    };
    uint32_t cbElements;
    uint16_t vt;
};

class IInitDoneBase {
public:
    virtual ~IInitDoneBase() {}
    virtual bool Init(void *disp) = 0;
    virtual bool setMemManager(void *mem) = 0;
    virtual long GetInfo() = 0;
    virtual void Done() = 0;
};

class ILanguageExtenderBase {
public:
    virtual ~ILanguageExtenderBase() {}
    virtual bool RegisterExtensionAs(WCHAR_T **name) = 0;
    virtual long GetNProps() = 0;
    virtual long FindProp(const WCHAR_T *name) = 0;
    virtual const WCHAR_T *GetPropName(long num, long alias) = 0;
    virtual bool GetPropVal(const long num, tVariant *value) = 0;
    virtual bool SetPropVal(const long num, tVariant *value) = 0;
    virtual bool IsPropReadable(const long num) = 0;
    virtual bool IsPropWritable(const long num) = 0;
    virtual long GetNMethods() = 0;
    virtual long FindMethod(const WCHAR_T *name) = 0;
    virtual const WCHAR_T *GetMethodName(const long num, const long alias) = 0;
    virtual long GetNParams(const long num) = 0;
    virtual bool GetParamDefValue(const long method, const long param, tVariant *value) = 0;
    virtual bool HasRetVal(const long num) = 0;
    virtual bool CallAsProc(const long num, tVariant *params, const long count) = 0;
    virtual bool CallAsFunc(const long num, tVariant *result, tVariant *params, const long count) = 0;
};

class LocaleBase {
public:
    virtual ~LocaleBase() {}
    virtual void SetLocale(const WCHAR_T *locale) = 0;
};

class UserLanguageBase {
public:
    virtual ~UserLanguageBase() {}
    virtual void SetUserInterfaceLanguageCode(const WCHAR_T *language) = 0;
};

class IComponentBase : public IInitDoneBase, public ILanguageExtenderBase, public LocaleBase, public UserLanguageBase {
public:
    virtual ~IComponentBase() {}
};

class IMemoryManager {
public:
    virtual ~IMemoryManager() {}
    virtual bool AllocMemory(void **memory, unsigned long bytes) = 0;
    virtual void FreeMemory(void **memory) = 0;
};

class IAddInDefBase {
public:
    virtual ~IAddInDefBase() {}
    virtual bool AddError(unsigned short wcode, const WCHAR_T *source, const WCHAR_T *descr, long scode) = 0;
    virtual bool Read(WCHAR_T *name, tVariant *value, long *error, WCHAR_T **description) = 0;
    virtual bool Write(WCHAR_T *name, tVariant *value) = 0;
    virtual bool RegisterProfileAs(WCHAR_T *name) = 0;
    virtual bool SetEventBufferDepth(long depth) = 0;
    virtual long GetEventBufferDepth() = 0;
    virtual bool ExternalEvent(WCHAR_T *source, WCHAR_T *message, WCHAR_T *data) = 0;
    virtual void CleanEventBuffer() = 0;
    virtual bool SetStatusLine(WCHAR_T *line) = 0;
    virtual void ResetStatusLine() = 0;
};

/* A host connection that only records errors (a test host or a benchmark): no profile, events or status line. */
class ConnectionWithoutEvents : public IAddInDefBase {
public:
    bool Read(WCHAR_T *, tVariant *, long *, WCHAR_T **) override { return false; }
    bool Write(WCHAR_T *, tVariant *) override { return false; }
    bool RegisterProfileAs(WCHAR_T *) override { return false; }
    bool SetEventBufferDepth(long) override { return false; }
    long GetEventBufferDepth() override { return 0; }
    bool ExternalEvent(WCHAR_T *, WCHAR_T *, WCHAR_T *) override { return false; }
    void CleanEventBuffer() override {}
    bool SetStatusLine(WCHAR_T *) override { return false; }
    void ResetStatusLine() override {}
};

enum AppCapabilities { eAppCapabilitiesInvalid = -1, eAppCapabilities1 = 1, eAppCapabilities2 = 2, eAppCapabilities3 = 3 };
enum AttachType { eCanAttachNotIsolated = 1, eCanAttachIsolated = 2, eCanAttachAny = 3 };

/* Valid UTF-8 -> UTF-16, for a host's names and values (the test host, the benchmark). */
static inline std::u16string u16(const char *s)
{
    std::u16string out;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp;
        if (*p < 0x80) cp = *p++;
        else if ((*p & 0xE0) == 0xC0) { cp = (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu); p += 2; }
        else if ((*p & 0xF0) == 0xE0) { cp = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu); p += 3; }
        else { cp = (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu); p += 4; }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += (char16_t)(0xD800 + (cp >> 10));
            out += (char16_t)(0xDC00 + (cp & 0x3FF));
        } else {
            out += (char16_t)cp;
        }
    }
    return out;
}

#define ADDIN_E_FAIL 1006

typedef long (*GetClassObjectPtr)(const WCHAR_T *name, IComponentBase **result);
typedef long (*DestroyObjectPtr)(IComponentBase **object);
typedef const WCHAR_T *(*GetClassNamesPtr)();
typedef AppCapabilities (*SetPlatformCapabilitiesPtr)(const AppCapabilities capabilities);
typedef AttachType (*GetAttachTypePtr)();

#endif
