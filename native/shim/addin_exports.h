/*
** addin_exports.h -- the 1C:Enterprise "Native API" exports of the shim connect_bridge.dll, as the shim declares
** them (read by gen_exports.py through native/shim/exports.list; included by shim.c, so a generated definition
** that drifts from these does not compile). Their bodies are the [UnmanagedCallersOnly] methods of
** Connect.Bridge.Native.AddIn.AddInExports. 1C looks them up by plain name and calls them cdecl on x86 too.
** WCHAR_T is 2-byte UTF-16 (uint16_t here); long is 4 bytes on Windows (the managed CLong).
*/
#ifndef CONNECT_BRIDGE_ADDIN_EXPORTS_H
#define CONNECT_BRIDGE_ADDIN_EXPORTS_H

#include <stdint.h>
#include "connect_bridge.h" /* CB_API */

#ifndef CB_CDECL
#  if defined(_WIN32) && !defined(_WIN64)
#    define CB_CDECL __cdecl
#  else
#    define CB_CDECL
#  endif
#endif

/* "Sender": the class names, separated by '|'. */
CB_API const uint16_t* CB_CDECL GetClassNames(void);
/* Creates the object (IComponentBase*) into *result; non-zero when created. */
CB_API long CB_CDECL GetClassObject(const uint16_t* name, void** result);
/* Destroys an object from GetClassObject and clears *object; 0 when done. */
CB_API long CB_CDECL DestroyObject(void** object);
/* The newest AppCapabilities level the component knows (3). */
CB_API int CB_CDECL SetPlatformCapabilities(int capabilities);
/* AttachType: 3 (eCanAttachAny). */
CB_API int CB_CDECL GetAttachType(void);

#endif
