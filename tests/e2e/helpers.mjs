// Test data helpers: GB 11643-1999 ID numbers, names and phones that do not collide between runs.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

export function checkDigit(first17) {
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(first17[i]) * WEIGHTS[i];
  return '10X98765432'[s % 11];
}

export function isValidId(id) {
  return /^\d{17}[\dX]$/.test(id) && checkDigit(id.slice(0, 17)) === id[17];
}

const rnd = (n) => Math.floor(Math.random() * n);
const pad = (n, w) => String(n).padStart(w, '0');

// A valid ID number; birth 'YYYY-MM-DD', male → odd 17th digit.
export function makeIdNumber({ birth, male = true, region = '110105' } = {}) {
  const b = birth || `${1970 + rnd(26)}-${pad(1 + rnd(12), 2)}-${pad(1 + rnd(28), 2)}`;
  let seq = rnd(100) * 10 + rnd(5) * 2 + (male ? 1 : 0);
  seq = pad(seq, 3);
  const first17 = `${region}${b.replaceAll('-', '')}${seq}`;
  return first17 + checkDigit(first17);
}

// Same number with a wrong check digit.
export function breakCheckDigit(id) {
  const right = id[17];
  const wrong = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'X'].find((c) => c !== right);
  return id.slice(0, 17) + wrong;
}

export function birthOf(id) {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

const SURNAMES = '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许';
const GIVEN = '建国华明丽芳军红伟静敏强磊洋艳勇杰娟涛超秀英霞平刚桂兰';
export function randomName() {
  const t = Date.now();
  return SURNAMES[rnd(SURNAMES.length)] + GIVEN[t % GIVEN.length] + GIVEN[rnd(GIVEN.length)] + GIVEN[rnd(GIVEN.length)];
}

export function randomPhone() {
  return `139${pad(rnd(1e8), 8)}`;
}
