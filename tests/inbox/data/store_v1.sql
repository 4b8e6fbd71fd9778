PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES('approval','required');
CREATE TABLE bulletins (
    id             TEXT PRIMARY KEY,
    source         TEXT NOT NULL UNIQUE,     -- path relative to inbox/, '/' separated
    version        INTEGER NOT NULL,
    state          TEXT NOT NULL,            -- received awaiting_approval approved rejected expired withdrawn
    title          TEXT NOT NULL,
    priority       TEXT NOT NULL,
    tags           TEXT NOT NULL DEFAULT '[]',
    air_from       TEXT,
    air_until      TEXT,
    slots          TEXT NOT NULL DEFAULT '[]',
    repeat         INTEGER NOT NULL DEFAULT 1,
    voice          TEXT,
    engine         TEXT,
    content_hash   TEXT NOT NULL,
    body           TEXT NOT NULL,
    script_text    TEXT NOT NULL,
    original       TEXT NOT NULL,            -- the kept original under var/originals/
    speech_path    TEXT,
    times_aired    INTEGER NOT NULL DEFAULT 0,
    approved_hash  TEXT,
    approved_by    TEXT NOT NULL DEFAULT '',
    approved_at    TEXT,
    reason         TEXT NOT NULL DEFAULT '',  -- why rejected / withdrawn / expired
    file_size      INTEGER,                   -- stat of the file as it sits in inbox/
    file_mtime_ns  INTEGER,
    received_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
INSERT INTO bulletins VALUES('tiem-chung','Tiêm chủng.txt',2,'approved','Tiêm chủng (sửa)','priority','[]',NULL,NULL,'[]',2,NULL,NULL,'sha-04-40','Tiêm chủng đợt 2: đổi ngày sang thứ Bảy.','TIÊM CHỦNG ĐỢT 2: ĐỔI NGÀY SANG THỨ BẢY.','/st/var/originals/tiem-chung/v2.txt','/st/var/speech/tiem-chung/v2.wav',1,'sha-04-40','pho-chu-tich','2026-11-02T07:35:00+07:00','',54,1700000000000000004,'2026-11-02T07:31:00+07:00','2026-11-02T07:36:00+07:00');
INSERT INTO bulletins VALUES('thong-bao-bao-so-9','Thông báo/Bão số 9.txt',1,'approved','Bão số 9','emergency','[]',NULL,NULL,'[]',0,NULL,NULL,'sha-07-23','Bão số 9 đổ bộ đêm nay.','BÃO SỐ 9 ĐỔ BỘ ĐÊM NAY.','/st/var/originals/thong-bao-bao-so-9/v1.txt',NULL,1,'sha-07-23','chu-tich','2026-11-02T07:38:00+07:00','',33,1700000000000000007,'2026-11-02T07:37:00+07:00','2026-11-02T07:39:00+07:00');
INSERT INTO bulletins VALUES('hop-dan','hop-dan.txt',1,'expired','hop-dan','normal','[]',NULL,NULL,'[]',1,NULL,NULL,'sha-10-35','Họp dân lúc 19 giờ tại nhà văn hóa.','HỌP DÂN LÚC 19 GIỜ TẠI NHÀ VĂN HÓA.','/st/var/originals/hop-dan/v1.txt',NULL,1,'sha-10-35','chu-tich','2026-11-02T07:41:00+07:00','đã phát đủ 1 lần',46,1700000000000000010,'2026-11-02T07:40:00+07:00','2026-11-02T07:42:00+07:00');
INSERT INTO bulletins VALUES('chua-duyet','chua-duyet.txt',1,'rejected','chua-duyet','normal','[]',NULL,NULL,'[]',1,NULL,NULL,'sha-13-18','Số liệu chưa đúng.','SỐ LIỆU CHƯA ĐÚNG.','/st/var/originals/chua-duyet/v1.txt',NULL,0,NULL,'',NULL,'sai số liệu',25,1700000000000000013,'2026-11-02T07:43:00+07:00','2026-11-02T07:44:00+07:00');
INSERT INTO bulletins VALUES('le-hoi','le-hoi.txt',1,'expired','le-hoi','normal','["van-hoa", "le"]',NULL,'2026-11-02T07:50:00+07:00','[]',1,NULL,NULL,'sha-15-12','Lễ hội làng.','LỄ HỘI LÀNG.','/st/var/originals/le-hoi/v1.txt',NULL,0,'sha-15-12','chu-tich','2026-11-02T07:46:00+07:00','hết thời hạn phát (2026-11-02 07:50)',17,1700000000000000015,'2026-11-02T07:45:00+07:00','2026-11-02T07:51:00+07:00');
INSERT INTO bulletins VALUES('ve-sinh','ve-sinh.txt',1,'withdrawn','ve-sinh','normal','[]',NULL,NULL,'[]',1,NULL,NULL,'sha-22-27','Tổng vệ sinh sáng Chủ nhật.','TỔNG VỆ SINH SÁNG CHỦ NHẬT.','/st/var/originals/ve-sinh/v1.txt',NULL,0,NULL,'',NULL,'trùng lịch',36,1700000000000000022,'2026-11-02T07:52:00+07:00','2026-11-02T07:53:00+07:00');
INSERT INTO bulletins VALUES('cho-duyet','cho-duyet.txt',1,'awaiting_approval','cho-duyet','normal','[]',NULL,NULL,'["17:00"]',1,NULL,NULL,'sha-24-21','Thu gom rác thay giờ.','THU GOM RÁC THAY GIỜ.','/st/var/originals/cho-duyet/v1.txt',NULL,0,NULL,'',NULL,'',NULL,NULL,'2026-11-02T07:54:00+07:00','2026-11-02T07:54:00+07:00');
CREATE TABLE versions (
    bulletin_id   TEXT NOT NULL,
    version       INTEGER NOT NULL,
    content_hash  TEXT NOT NULL,
    title         TEXT NOT NULL,
    meta          TEXT NOT NULL,
    body          TEXT NOT NULL,
    script_text   TEXT NOT NULL,
    original      TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, version)
);
INSERT INTO versions VALUES('tiem-chung',1,'sha-01-37','Tiêm chủng','{"title": "Tiêm chủng", "tags": ["y-te"], "priority": "priority", "air_from": "2026-11-02T07:30:00+07:00", "air_until": "2026-11-09T07:30:00+07:00", "slots": ["07:00"], "repeat": 3, "voice": "vi", "engine": "espeak"}','Tiêm chủng đợt 2 cho trẻ dưới 5 tuổi.','TIÊM CHỦNG ĐỢT 2 CHO TRẺ DƯỚI 5 TUỔI.','/st/var/originals/tiem-chung/v1.txt','2026-11-02T07:31:00+07:00');
INSERT INTO versions VALUES('tiem-chung',2,'sha-04-40','Tiêm chủng (sửa)','{"title": "Tiêm chủng (sửa)", "tags": [], "priority": "priority", "air_from": null, "air_until": null, "slots": [], "repeat": 2, "voice": null, "engine": null}','Tiêm chủng đợt 2: đổi ngày sang thứ Bảy.','TIÊM CHỦNG ĐỢT 2: ĐỔI NGÀY SANG THỨ BẢY.','/st/var/originals/tiem-chung/v2.txt','2026-11-02T07:34:00+07:00');
INSERT INTO versions VALUES('thong-bao-bao-so-9',1,'sha-07-23','Bão số 9','{"title": "Bão số 9", "tags": [], "priority": "emergency", "air_from": null, "air_until": null, "slots": [], "repeat": 0, "voice": null, "engine": null}','Bão số 9 đổ bộ đêm nay.','BÃO SỐ 9 ĐỔ BỘ ĐÊM NAY.','/st/var/originals/thong-bao-bao-so-9/v1.txt','2026-11-02T07:37:00+07:00');
INSERT INTO versions VALUES('hop-dan',1,'sha-10-35','hop-dan','{"title": null, "tags": [], "priority": "normal", "air_from": null, "air_until": null, "slots": [], "repeat": 1, "voice": null, "engine": null}','Họp dân lúc 19 giờ tại nhà văn hóa.','HỌP DÂN LÚC 19 GIỜ TẠI NHÀ VĂN HÓA.','/st/var/originals/hop-dan/v1.txt','2026-11-02T07:40:00+07:00');
INSERT INTO versions VALUES('chua-duyet',1,'sha-13-18','chua-duyet','{"title": null, "tags": [], "priority": "normal", "air_from": null, "air_until": null, "slots": [], "repeat": 1, "voice": null, "engine": null}','Số liệu chưa đúng.','SỐ LIỆU CHƯA ĐÚNG.','/st/var/originals/chua-duyet/v1.txt','2026-11-02T07:43:00+07:00');
INSERT INTO versions VALUES('le-hoi',1,'sha-15-12','le-hoi','{"title": null, "tags": ["van-hoa", "le"], "priority": "normal", "air_from": null, "air_until": "2026-11-02T07:50:00+07:00", "slots": [], "repeat": 1, "voice": null, "engine": null}','Lễ hội làng.','LỄ HỘI LÀNG.','/st/var/originals/le-hoi/v1.txt','2026-11-02T07:45:00+07:00');
INSERT INTO versions VALUES('ve-sinh',1,'sha-22-27','ve-sinh','{"title": null, "tags": [], "priority": "normal", "air_from": null, "air_until": null, "slots": [], "repeat": 1, "voice": null, "engine": null}','Tổng vệ sinh sáng Chủ nhật.','TỔNG VỆ SINH SÁNG CHỦ NHẬT.','/st/var/originals/ve-sinh/v1.txt','2026-11-02T07:52:00+07:00');
INSERT INTO versions VALUES('cho-duyet',1,'sha-24-21','cho-duyet','{"title": null, "tags": [], "priority": "normal", "air_from": null, "air_until": null, "slots": ["17:00"], "repeat": 1, "voice": null, "engine": null}','Thu gom rác thay giờ.','THU GOM RÁC THAY GIỜ.','/st/var/originals/cho-duyet/v1.txt','2026-11-02T07:54:00+07:00');
CREATE TABLE history (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    bulletin_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    event        TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''
);
INSERT INTO history VALUES(1,'tiem-chung',1,'2026-11-02T07:31:00+07:00','received','Tiêm chủng.txt; sha256 sha-01-37');
INSERT INTO history VALUES(2,'tiem-chung',1,'2026-11-02T07:31:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(3,'tiem-chung',1,'2026-11-02T07:32:00+07:00','approved','by chu-tich; sha256 sha-01-37');
INSERT INTO history VALUES(4,'tiem-chung',1,'2026-11-02T07:33:00+07:00','aired','2026-11-02T07:00 sang');
INSERT INTO history VALUES(5,'tiem-chung',2,'2026-11-02T07:34:00+07:00','received','Tiêm chủng.txt; sha256 sha-04-40; replaces version 1 (approved)');
INSERT INTO history VALUES(6,'tiem-chung',2,'2026-11-02T07:34:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(7,'tiem-chung',2,'2026-11-02T07:35:00+07:00','approved','by pho-chu-tich; sha256 sha-04-40');
INSERT INTO history VALUES(8,'tiem-chung',2,'2026-11-02T07:36:00+07:00','aired','2026-11-02T17:00 chieu');
INSERT INTO history VALUES(9,'thong-bao-bao-so-9',1,'2026-11-02T07:37:00+07:00','received','Thông báo/Bão số 9.txt; sha256 sha-07-23');
INSERT INTO history VALUES(10,'thong-bao-bao-so-9',1,'2026-11-02T07:37:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(11,'thong-bao-bao-so-9',1,'2026-11-02T07:38:00+07:00','approved','by chu-tich; sha256 sha-07-23');
INSERT INTO history VALUES(12,'thong-bao-bao-so-9',1,'2026-11-02T07:39:00+07:00','aired','emergency-1');
INSERT INTO history VALUES(13,'hop-dan',1,'2026-11-02T07:40:00+07:00','received','hop-dan.txt; sha256 sha-10-35');
INSERT INTO history VALUES(14,'hop-dan',1,'2026-11-02T07:40:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(15,'hop-dan',1,'2026-11-02T07:41:00+07:00','approved','by chu-tich; sha256 sha-10-35');
INSERT INTO history VALUES(16,'hop-dan',1,'2026-11-02T07:42:00+07:00','aired','2026-11-03T07:00 sang');
INSERT INTO history VALUES(17,'hop-dan',1,'2026-11-02T07:42:00+07:00','expired','đã phát đủ 1 lần');
INSERT INTO history VALUES(18,'chua-duyet',1,'2026-11-02T07:43:00+07:00','received','chua-duyet.txt; sha256 sha-13-18');
INSERT INTO history VALUES(19,'chua-duyet',1,'2026-11-02T07:43:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(20,'chua-duyet',1,'2026-11-02T07:44:00+07:00','rejected','sai số liệu (by chu-tich)');
INSERT INTO history VALUES(21,'le-hoi',1,'2026-11-02T07:45:00+07:00','received','le-hoi.txt; sha256 sha-15-12');
INSERT INTO history VALUES(22,'le-hoi',1,'2026-11-02T07:45:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(23,'le-hoi',1,'2026-11-02T07:46:00+07:00','approved','by chu-tich; sha256 sha-15-12');
INSERT INTO history VALUES(24,'le-hoi',1,'2026-11-02T07:51:00+07:00','expired','hết thời hạn phát (2026-11-02 07:50)');
INSERT INTO history VALUES(25,'ve-sinh',1,'2026-11-02T07:52:00+07:00','received','ve-sinh.txt; sha256 sha-22-27');
INSERT INTO history VALUES(26,'ve-sinh',1,'2026-11-02T07:52:00+07:00','awaiting_approval','');
INSERT INTO history VALUES(27,'ve-sinh',1,'2026-11-02T07:53:00+07:00','withdrawn','trùng lịch');
INSERT INTO history VALUES(28,'cho-duyet',1,'2026-11-02T07:54:00+07:00','received','cho-duyet.txt; sha256 sha-24-21');
INSERT INTO history VALUES(29,'cho-duyet',1,'2026-11-02T07:54:00+07:00','awaiting_approval','');
CREATE TABLE airings (
    bulletin_id  TEXT NOT NULL,
    version      INTEGER NOT NULL,
    slot_key     TEXT NOT NULL,
    aired_at     TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, slot_key)
);
INSERT INTO airings VALUES('tiem-chung',1,'2026-11-02T07:00 sang','2026-11-02T07:33:00+07:00');
INSERT INTO airings VALUES('tiem-chung',2,'2026-11-02T17:00 chieu','2026-11-02T07:36:00+07:00');
INSERT INTO airings VALUES('thong-bao-bao-so-9',1,'emergency-1','2026-11-02T07:39:00+07:00');
INSERT INTO airings VALUES('hop-dan',1,'2026-11-03T07:00 sang','2026-11-02T07:42:00+07:00');
CREATE TABLE approvals (
    bulletin_id   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    approved_by   TEXT NOT NULL,
    approved_at   TEXT NOT NULL,
    PRIMARY KEY (bulletin_id, content_hash)
);
INSERT INTO approvals VALUES('tiem-chung','sha-01-37','chu-tich','2026-11-02T07:32:00+07:00');
INSERT INTO approvals VALUES('tiem-chung','sha-04-40','pho-chu-tich','2026-11-02T07:35:00+07:00');
INSERT INTO approvals VALUES('thong-bao-bao-so-9','sha-07-23','chu-tich','2026-11-02T07:38:00+07:00');
INSERT INTO approvals VALUES('hop-dan','sha-10-35','chu-tich','2026-11-02T07:41:00+07:00');
INSERT INTO approvals VALUES('le-hoi','sha-15-12','chu-tich','2026-11-02T07:46:00+07:00');
CREATE TABLE intake (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token        TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    claim        TEXT NOT NULL,           -- where the claimed file sits while it is processed
    state        TEXT NOT NULL,           -- claimed committed ingested unchanged rejecting rejected lost
    size         INTEGER,
    bulletin_id  TEXT,
    version      INTEGER,
    rejected     TEXT,                    -- path under inbox/rejected/
    detail       TEXT NOT NULL DEFAULT '',
    received_at  TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
INSERT INTO intake VALUES(1,'tok-1','Tiêm chủng.txt','/st/var/inbox/claimed/tok-1/Tiêm chủng.txt','ingested',50,'tiem-chung',1,NULL,'','2026-11-02T07:31:00+07:00','2026-11-02T07:31:00+07:00');
INSERT INTO intake VALUES(2,'tok-4','Tiêm chủng.txt','/st/var/inbox/claimed/tok-4/Tiêm chủng.txt','ingested',54,'tiem-chung',2,NULL,'','2026-11-02T07:34:00+07:00','2026-11-02T07:34:00+07:00');
INSERT INTO intake VALUES(3,'tok-7','Thông báo/Bão số 9.txt','/st/var/inbox/claimed/tok-7/Thông báo/Bão số 9.txt','ingested',33,'thong-bao-bao-so-9',1,NULL,'','2026-11-02T07:37:00+07:00','2026-11-02T07:37:00+07:00');
INSERT INTO intake VALUES(4,'tok-10','hop-dan.txt','/st/var/inbox/claimed/tok-10/hop-dan.txt','ingested',46,'hop-dan',1,NULL,'','2026-11-02T07:40:00+07:00','2026-11-02T07:40:00+07:00');
INSERT INTO intake VALUES(5,'tok-13','chua-duyet.txt','/st/var/inbox/claimed/tok-13/chua-duyet.txt','ingested',25,'chua-duyet',1,NULL,'','2026-11-02T07:43:00+07:00','2026-11-02T07:43:00+07:00');
INSERT INTO intake VALUES(6,'tok-15','le-hoi.txt','/st/var/inbox/claimed/tok-15/le-hoi.txt','ingested',17,'le-hoi',1,NULL,'','2026-11-02T07:45:00+07:00','2026-11-02T07:45:00+07:00');
INSERT INTO intake VALUES(7,'tok-22','ve-sinh.txt','/st/var/inbox/claimed/tok-22/ve-sinh.txt','ingested',36,'ve-sinh',1,NULL,'','2026-11-02T07:52:00+07:00','2026-11-02T07:52:00+07:00');
INSERT INTO intake VALUES(8,'tok-24','cho-duyet.txt','/st/var/inbox/claimed/tok-24/cho-duyet.txt','ingested',24,'cho-duyet',1,NULL,'','2026-11-02T07:54:00+07:00','2026-11-02T07:54:00+07:00');
INSERT INTO intake VALUES(9,'tok-lost','mat.txt','/st/var/inbox/claimed/tok-lost/mat.txt','lost',12,NULL,NULL,NULL,'claimed file vanished','2026-11-02T07:55:00+07:00','2026-11-02T07:56:00+07:00');
INSERT INTO intake VALUES(10,'tok-bad','hong.docx','/st/var/inbox/claimed/tok-bad/hong.docx','rejected',99,NULL,NULL,'/st/inbox/rejected/hong.docx','not a Word file','2026-11-02T07:57:00+07:00','2026-11-02T07:58:00+07:00');
INSERT INTO intake VALUES(11,'tok-open','dang-chep.txt','/st/var/inbox/claimed/tok-open/dang-chep.txt','claimed',NULL,NULL,NULL,NULL,'','2026-11-02T07:59:00+07:00','2026-11-02T07:59:00+07:00');
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('intake',11);
INSERT INTO sqlite_sequence VALUES('history',29);
CREATE INDEX history_bulletin ON history(bulletin_id);
CREATE INDEX intake_state ON intake(state);
COMMIT;
