"""Finding codes of signatures that last and of what the archive signs (issue 18, issue 16).

Ingest side: a signature dictionary that cannot be parsed, content appended after the
signed revision, weak algorithms, and the long-term evidence (validation data and
archive timestamp).  Issuing side: documents the archive issues (handover records,
receipts, destruction minutes) signed with its organisation certificate, or not.
"""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = "signatures"

SIGNATURE_UNPARSABLE = define(
    "SIGNATURE_UNPARSABLE", E,
    "Tệp có trường chữ ký số nhưng không đọc được từ điển chữ ký (…)",
    "The file has a signature field whose signature dictionary cannot be parsed (…)",
    "Yêu cầu cơ quan nộp ký lại tệp bằng phần mềm ký số PAdES và gửi lại bản vừa ký.",
    "Ask the agency to sign the file again with PAdES signing software and resend the signed file.", area=A)
SIGNATURE_APPENDED_CHANGES = define(
    "SIGNATURE_APPENDED_CHANGES", E,
    "Sau phần đã ký có nội dung được thêm vào làm thay đổi tài liệu (không phải chữ ký hay dữ liệu xác thực)",
    "Content appended after the signed revision changes the document (it is not a signature or validation data)",
    "Yêu cầu cơ quan nộp gửi lại bản đã ký, không sửa sau khi ký; mọi thay đổi phải được ký lại.",
    "Ask the agency for the signed file as signed; any later change must be signed again.", area=A)
SIGNATURE_WEAK_ALGORITHM = define(
    "SIGNATURE_WEAK_ALGORITHM", E,
    "Chữ ký số dùng thuật toán yếu (…): không còn chứng minh được tính xác thực",
    "The signature uses a weak algorithm (…): it no longer proves authenticity",
    "Yêu cầu cơ quan nộp ký lại bằng chứng thư số RSA từ 2048 bit (hoặc ECDSA) và hàm băm SHA-256 trở lên.",
    "Ask the agency to re-sign with an RSA key of at least 2048 bits (or ECDSA) and SHA-256 or stronger.", area=A)
SIGNATURE_EVIDENCE_FAILED = define(
    "SIGNATURE_EVIDENCE_FAILED", W,
    "Không thu thập được dữ liệu xác thực dài hạn cho chữ ký số (…): chữ ký hợp lệ hôm nay nhưng sẽ không chứng minh "
    "được sau khi chứng thư hết hạn",
    "Could not collect long-term validation data for the signature (…): valid today, but it cannot be shown valid "
    "once the certificate expires",
    "Kiểm tra kết nối tới máy chủ OCSP/CRL của tổ chức chứng thực và tới máy chủ cấp dấu thời gian (LUUTRU_TSA_URL); "
    "tài liệu vẫn được lưu, hãy thu thập lại dữ liệu xác thực trước khi chứng thư hết hạn (docs/operations.md).",
    "Check access to the CA's OCSP/CRL servers and to the time-stamping authority (LUUTRU_TSA_URL); the document "
    "is stored: collect the validation data again before the certificate expires (docs/operations.md).", area=A)
SIGNATURE_EVIDENCE_NOT_CONFIGURED = define(
    "SIGNATURE_EVIDENCE_NOT_CONFIGURED", W,
    "Chưa cấu hình máy chủ cấp dấu thời gian: không lưu dữ liệu xác thực dài hạn cho các chữ ký số hợp lệ",
    "No time-stamping authority configured: no long-term validation data is kept for the valid signatures",
    "Đặt LUUTRU_TSA_URL (dịch vụ cấp dấu thời gian RFC 3161) để chữ ký số còn chứng minh được sau khi chứng thư hết hạn.",
    "Set LUUTRU_TSA_URL (an RFC 3161 time-stamping service) so signatures stay provable after their certificates "
    "expire.", area=A)
ISSUED_UNSIGNED = define(
    "ISSUED_UNSIGNED", W,
    "Văn bản do lưu trữ phát hành (…) chưa được ký số: chưa cấu hình chứng thư số của cơ quan",
    "The document the archive issues (…) is not signed: no organisation certificate is configured",
    "Cấu hình chứng thư số của cơ quan (LUUTRU_ORG_PKCS12 và LUUTRU_ORG_PKCS12_PASSPHRASE_FILE, hoặc PKCS#11), "
    "rồi phát hành lại văn bản.",
    "Configure the organisation certificate (LUUTRU_ORG_PKCS12 and LUUTRU_ORG_PKCS12_PASSPHRASE_FILE, or PKCS#11), "
    "then issue the document again.", area=A)
ISSUED_SIGNING_FAILED = define(
    "ISSUED_SIGNING_FAILED", W,
    "Không ký số được văn bản do lưu trữ phát hành (…); văn bản được phát hành chưa ký",
    "Could not sign the document the archive issues (…); it is issued unsigned",
    "Kiểm tra tệp PKCS#12, mật khẩu và hạn của chứng thư số cơ quan (hoặc thiết bị PKCS#11), rồi phát hành lại.",
    "Check the PKCS#12 file, its passphrase and the certificate's validity (or the PKCS#11 token), then issue again.",
    area=A)
TIMESTAMP_RENEWAL_FAILED = define(
    "TIMESTAMP_RENEWAL_FAILED", W,
    "Không gia hạn được dấu thời gian lưu trữ của tài liệu (…)",
    "Could not renew the archive timestamp of a document (…)",
    "Kiểm tra máy chủ cấp dấu thời gian (LUUTRU_TSA_URL) rồi chạy lại công việc gia hạn trước khi chứng thư TSA hết hạn.",
    "Check the time-stamping authority (LUUTRU_TSA_URL) and run the renewal job again before the TSA certificate "
    "expires.", area=A)
