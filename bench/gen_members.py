#!/usr/bin/env python3
"""Generate N valid members as CSV (the national form's columns) for the import benchmark.

usage: python3 bench/gen_members.py DB N [SEED] > members.csv

DB is a SQLite database with organizations (e.g. made by `dangjian demo`); rows are
spread over its branches (by organization code). Every row passes the importer's full
validation: unique GB 11643 ID numbers with the right check character, gender and birth
date matching the number, joined at 18 or later, 转正 a year after joining for full
members, codes by their names, valid mobile numbers. Python standard library only.
"""
import random
import sqlite3
import sys
from datetime import date, timedelta

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"
REGIONS = ["110105", "440524", "320102", "510104", "370102", "410105", "130102", "420102"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文斌志红辉玉兰春梅海燕"
ETHNICITIES = ["汉族"] * 18 + ["蒙古族", "回族", "壮族", "满族"]
EDUCATIONS = ["大学", "大专", "中等专科", "普通高中", "硕士研究生", "初中"]
JOBS = ["公务员", "事业单位管理岗位", "农牧渔业生产人员", "退休人员", "社区工作人员", "其他从业人员"]
PERSON_TYPES = {"公务员": "在职", "事业单位管理岗位": "在职", "农牧渔业生产人员": "农民", "退休人员": "离退休",
                "社区工作人员": "在职", "其他从业人员": "其他"}
HEADER = ["姓名", "性别", "公民身份号码", "民族", "出生日期", "学历", "人员类别", "所在党支部", "入党日期",
          "转为正式党员日期", "工作岗位", "联系电话", "家庭住址", "党籍状态", "失联", "失联日期", "流动党员",
          "人员身份", "工作单位", "网格"]
BIRTH0 = date(1950, 1, 1)
BIRTH_DAYS = 18000          # births 1950 .. 1999: everyone can have joined at 18 by now
SEQS = 1000


def id_number(i):
    """The i-th distinct ID number: (region, birth day, sequence) never repeats."""
    birth = BIRTH0 + timedelta(days=i % BIRTH_DAYS)
    seq = (i // BIRTH_DAYS) % SEQS
    region = REGIONS[(i // (BIRTH_DAYS * SEQS)) % len(REGIONS)]
    body = "%s%s%03d" % (region, birth.strftime("%Y%m%d"), seq)
    s = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + CHECK[s % 11], birth, seq % 2 == 1


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: gen_members.py DB N [SEED]")
    db, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 20261126)
    if n > BIRTH_DAYS * SEQS * len(REGIONS):
        sys.exit("N too large")
    con = sqlite3.connect(db)
    branches = [r[0] for r in con.execute(
        "SELECT code FROM orgs WHERE kind IN ('branch', 'joint_branch') AND dissolved_on IS NULL ORDER BY id")]
    con.close()
    if not branches:
        sys.exit("no branches in " + db)
    today = date.today()
    out = sys.stdout
    out.write(",".join(HEADER) + "\r\n")
    rows = []
    for i in range(n):
        idn, birth, male = id_number(i)
        adult = birth.replace(year=birth.year + 18) if not (birth.month == 2 and birth.day == 29) \
            else date(birth.year + 18, 3, 1)
        span = (today - timedelta(days=400) - adult).days
        join = adult + timedelta(days=rng.randrange(max(span, 1)))
        probationary = rng.random() < 0.05
        full = "" if probationary else (join + timedelta(days=365)).isoformat()
        job = rng.choice(JOBS)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        phone = "1%d%09d" % (rng.choice((3, 5, 7, 8, 9)), rng.randrange(10 ** 9))
        rows.append(",".join((
            name, "男" if male else "女", idn, rng.choice(ETHNICITIES), birth.isoformat(), rng.choice(EDUCATIONS),
            "预备党员" if probationary else "正式党员", rng.choice(branches), join.isoformat(), full, job, phone,
            "某县某镇%d号" % rng.randrange(1, 999), "正常", "否", "", "否", PERSON_TYPES[job], "", "")))
        if len(rows) == 10000:
            out.write("\r\n".join(rows) + "\r\n")
            rows = []
    if rows:
        out.write("\r\n".join(rows) + "\r\n")


if __name__ == "__main__":
    main()
