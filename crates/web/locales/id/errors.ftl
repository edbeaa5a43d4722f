# Pesan galat API (Bahasa Indonesia). Kunci harus sama dengan locales/en/errors.ftl.
invalid-input = Data yang dikirim tidak valid. Periksa kolom yang disebutkan.
malformed-json = Isi permintaan bukan JSON yang valid atau tidak sesuai skema.
not-found = Data tidak ditemukan.
unauthorized = Token API tidak ada, tidak valid, atau sudah dicabut.
forbidden = Peran Anda tidak berwenang melakukan tindakan ini.
illegal-transition = Tindakan ini tidak diperbolehkan pada status kasus saat ini.
conflict = Kasus telah diubah oleh petugas lain. Muat ulang lalu coba lagi.
clarification-rule = Tindakan ini melanggar ketentuan klarifikasi (Perbawaslu 7/2022 Pasal 28–30).
unknown-rule = Aturan tenggat tidak dikenal.
outside-calendar = Tanggal berada di luar rentang kalender hari libur yang dimuat (2014–2027).
deadline-not-passed = Tenggat belum terlewati.
idempotency-mismatch = Idempotency-Key ini sudah dipakai untuk permintaan yang berbeda.
database-locked = Basis data sedang sibuk. Coba lagi sebentar lagi; tidak ada data yang hilang.
database-full = Penyimpanan penuh. Data tidak disimpan; hubungi administrator.
database-unavailable = Basis data tidak dapat dihubungi. Data tidak disimpan; coba lagi nanti.
internal = Terjadi kesalahan internal. Data yang sudah tersimpan tidak berubah.
payload-too-large = Ukuran permintaan melebihi batas.
