/*
** pending_exports.h -- exports the shim forwards that connect_bridge.h does not declare yet (issue 9 adds them to
** the header; once it does, the header's declaration wins and the line here can go). Same form as the header.
*/
CB_API int CB_CALL cb_version_number(void);
CB_API int CB_CALL cb_status_text  (int status, const char* language, char* buffer, int buffer_size);
CB_API int CB_CALL cb_status_text_w(int status, const uint16_t* language, uint16_t* buffer, int buffer_chars);
