"""Finding codes of the checks area: severity, meaning and fix of each, in Vietnamese and English."""

from __future__ import annotations

from luutru.records.findings import Severity, define

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
A = 'checks'

FILE_CHECK_FAILED = define('FILE_CHECK_FAILED', E,
    'Không kiểm tra được tệp (…). Gửi lại tệp từ bản gốc',
    'The file could not be checked (…). Resend it from the original',
    '',
    '', area=A)
FORMAT_EXTENSION_MISMATCH = define('FORMAT_EXTENSION_MISMATCH', W,
    'Phần mở rộng .… không khớp nội dung tệp (…); đổi tên tệp thành …',
    'Extension .… does not match the content (…); rename the file to …',
    '',
    '', area=A)
FORMAT_CONTAINER_MISMATCH = define('FORMAT_CONTAINER_MISMATCH', E,
    'Tệp mang phần mở rộng .… nhưng bên trong là … (…), không phải …. Mở tệp bằng chương trình đã tạo ra nó, lưu lại '
    'đúng định dạng …, rồi nộp lại',
    'The file is named .… but what is inside is … (…), not …. Open it in the program that made it, save it as … '
    'and resubmit',
    'lưu lại tệp đúng định dạng mà phần mở rộng khai báo (hoặc chuyển sang một định dạng được chấp nhận)',
    'save the file in the format its extension names (or convert it to an accepted format)', area=A)
FORMAT_IDENTIFICATION_FAILED = define('FORMAT_IDENTIFICATION_FAILED', W,
    'Siegfried không nhận diện được tệp này (…); dùng nhận diện nội bộ theo chữ ký đầu tệp',
    'Siegfried could not identify this file (…); the in-process magic-byte identification was used',
    'kiểm tra tệp có đọc được không, hoặc tên tệp có ký tự xuống dòng thì đổi tên',
    'check that the file is readable; rename it if its name holds a line break', area=A)
FORMAT_REJECTED = define('FORMAT_REJECTED', E,
    'Định dạng tệp không được chấp nhận (…, .…). Chỉ nhận: …. Chuyển tệp sang một định dạng được chấp nhận rồi nộp lại',
    'File format not accepted (…, .…). Accepted: …. Convert the file to an accepted format and resubmit',
    '',
    '', area=A)
PDFA_CLAIM_INVALID = define('PDFA_CLAIM_INVALID', W,
    'Tệp khai báo … nhưng không đạt chuẩn (…); hệ thống tạo bản bảo quản PDF/A-2b',
    'The file claims … but does not conform (…); a PDF/A-2b preservation copy is made',
    '',
    '', area=A)
PDFA_MIGRATION_FAILED = define('PDFA_MIGRATION_FAILED', W,
    'Không tạo được bản bảo quản PDF/A-2b (…: …). Bản gốc vẫn được lưu; kiểm tra tệp hoặc chuyển đổi thủ công',
    'Could not make the PDF/A-2b preservation copy (…: …). The original is kept; check the file or convert it by hand',
    '',
    '', area=A)
PDF_ACTIVE_CONTENT = define('PDF_ACTIVE_CONTENT', W,
    'Tệp PDF chứa mã lệnh/hành động không được phép khi lưu trữ (…); bản bảo quản sẽ loại bỏ chúng',
    'The PDF contains active content not allowed in archives (…); the preservation copy drops it',
    '',
    '', area=A)
PDF_ENCRYPTED = define('PDF_ENCRYPTED', E,
    'Tệp PDF được đặt mật khẩu nên không thể kiểm tra và bảo quản. Gửi lại bản không đặt mật khẩu',
    'The PDF is password-protected and cannot be checked or preserved. Send a copy without a password',
    '',
    '', area=A)
PDF_FONT_NOT_EMBEDDED = define('PDF_FONT_NOT_EMBEDDED', W,
    'Phông chữ chưa được nhúng: …. Xuất lại PDF với tùy chọn nhúng phông chữ (PDF/A)',
    'Fonts not embedded: …. Export the PDF again with fonts embedded (PDF/A)',
    '',
    '', area=A)
PDF_TIMEOUT = define('PDF_TIMEOUT', E,
    'Kiểm tra tệp vượt quá … giây và đã bị dừng; tệp có thể bị hỏng hoặc cố ý gây hại. Gửi lại tệp từ bản gốc, hoặc tăng LUUTRU_PDF_TIMEOUT_S nếu tệp lớn hợp lệ',
    'Checking the file took longer than … s and was stopped; it may be damaged or hostile. Resend it from the original, or raise LUUTRU_PDF_TIMEOUT_S for a large valid file',
    '',
    '', area=A)
PDF_UNREADABLE = define('PDF_UNREADABLE', E,
    'Tệp PDF bị hỏng hoặc không đọc được (…). Gửi lại tệp từ bản gốc',
    'The PDF is damaged or unreadable (…). Resend the file from the original',
    '',
    '', area=A)
SIGNATURE_KIND_MISSING = define('SIGNATURE_KIND_MISSING', E,
    'Thiếu chữ ký số … hợp lệ (…). Bản số hóa phải có chữ ký số của cơ quan, tổ chức ở góc trên bên phải trang đầu',
    "No valid … signature on this … document. A digitised copy must carry the organisation's signature (top right of page 1)",
    '',
    '', area=A)
TRUST_ROOTS_UNREADABLE = define('TRUST_ROOTS_UNREADABLE', E,
    'Không đọc được chứng thư gốc tin cậy (…). Sửa LUUTRU_TRUST_ROOTS',
    'Cannot read the trust roots (…). Fix LUUTRU_TRUST_ROOTS',
    '',
    '', area=A)
VERAPDF_FAILED = define('VERAPDF_FAILED', W,
    'veraPDF không kiểm tra được tệp này (…); dùng kết quả kiểm tra nội bộ',
    'veraPDF could not validate this file (…); using the in-process checks',
    '',
    '', area=A)

# The signature statuses: the signature policy (policies/signatures.yaml) sets each one's
# severity per kind of document; the severity here is the default of that policy.
SIGNATURE_VALID_UNTRUSTED = define('SIGNATURE_VALID_UNTRUSTED', W,
    'Chữ ký số hợp lệ nhưng chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy',
    'Signature is intact but the certificate does not chain to a configured trust root',
    'Kiểm tra cấu hình chứng thư gốc (LUUTRU_TRUST_ROOTS) hoặc yêu cầu cơ quan nộp ký lại bằng chứng thư hợp lệ.',
    'Check the configured trust roots (LUUTRU_TRUST_ROOTS) or ask the agency to re-sign with a recognised certificate.',
    area=A)
SIGNATURE_MODIFIED = define('SIGNATURE_MODIFIED', E,
    'Tài liệu đã bị thay đổi sau khi ký số', 'The document was changed after it was signed',
    'Yêu cầu cơ quan nộp gửi lại bản gốc đã ký, không chỉnh sửa sau khi ký.',
    'Ask the agency for the signed original, unchanged after signing.', area=A)
SIGNATURE_EXPIRED = define('SIGNATURE_EXPIRED', E,
    'Chứng thư số không còn (hoặc chưa có) hiệu lực tại thời điểm ký', 'The certificate was not valid at the signing time',
    'Yêu cầu cơ quan nộp ký lại bằng chứng thư số còn hiệu lực.',
    'Ask the agency to re-sign with a certificate valid at signing time.', area=A)
SIGNATURE_REVOKED = define('SIGNATURE_REVOKED', E,
    'Chứng thư số đã bị thu hồi trước thời điểm ký', 'The certificate was revoked before the signing time',
    'Không tiếp nhận; yêu cầu cơ quan nộp ký lại bằng chứng thư số hợp lệ.',
    'Refuse it; ask the agency to re-sign with a valid certificate.', area=A)
SIGNATURE_INVALID = define('SIGNATURE_INVALID', E,
    'Chữ ký số không hợp lệ hoặc không đọc được', 'The signature is invalid or unreadable',
    'Yêu cầu cơ quan nộp gửi lại tệp đã ký đúng chuẩn PAdES.',
    'Ask the agency to resend the file with a proper PAdES signature.', area=A)
SIGNATURE_UNSIGNED = define('SIGNATURE_UNSIGNED', W,
    'Tài liệu không có chữ ký số', 'The document carries no digital signature',
    'Văn bản điện tử phải được ký số; yêu cầu cơ quan nộp ký số trước khi nộp lưu.',
    'Electronic documents must be signed; ask the agency to sign it before transfer.', area=A)

# Circular 05/2025 Art. 8 (severity from policies/digitisation.yaml: error from 1 July 2025)
DIGITISED_NOT_PDFA = define('DIGITISED_NOT_PDFA', E,
    'Bản số hóa không phải PDF/A hai lớp (ảnh và lớp văn bản)',
    'The digitised copy is not a two-layer PDF/A (image plus text)',
    'xuất lại ở định dạng PDF/A có nhận dạng ký tự (OCR)',
    'export it again as PDF/A with character recognition (OCR)', area=A)
DIGITISED_NO_TEXT_LAYER = define('DIGITISED_NO_TEXT_LAYER', E,
    'Bản số hóa không có lớp văn bản (chỉ có ảnh)',
    'The digitised copy has no text layer (image only)',
    'chạy nhận dạng ký tự (OCR) để tạo PDF/A hai lớp',
    'run OCR to make a two-layer PDF/A', area=A)
DIGITISED_LOW_RESOLUTION = define('DIGITISED_LOW_RESOLUTION', E,
    'Ảnh số hóa có độ phân giải dưới 200 dpi (bản đồ, bản vẽ kỹ thuật: 300 dpi)',
    'Scanned image below 200 dpi (maps and technical drawings: 300 dpi)',
    'số hóa lại ở độ phân giải yêu cầu, tỷ lệ 100 %',
    'rescan at the required resolution, 100 % scale', area=A)
DIGITISED_COLOUR_DEPTH = define('DIGITISED_COLOUR_DEPTH', E,
    'Ảnh số hóa dưới 24 bit màu',
    'Scanned image below 24-bit colour',
    'số hóa lại ở chế độ màu 24 bit trở lên',
    'rescan in 24-bit colour or more', area=A)
