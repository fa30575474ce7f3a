import type { Rand } from '../core/random';

/** Made-up but plausible senders, recipients and addresses for waybills. */
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂文辉建华玉萍鹏宇浩凯鑫亮斌波宁婷雪琳晨阳飞志红海峰林丹俊鸿家欣佳怡子豪思远梓涵一诺然雨轩';
const ROADS = ['人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '文化路', '胜利路', '青年路', '朝阳路', '长江路', '黄河路', '光明路', '幸福路', '科技路', '学府路'];
const COMPOUNDS = ['花园', '小区', '公寓', '家园', '苑', '大厦', '新村', '名都'];

export function personName(r: Rand): string {
  let g = r.pick([...GIVEN]);
  if (r.chance(0.6)) g += r.pick([...GIVEN]);
  return r.pick([...SURNAMES]) + g;
}

export function phone(r: Rand): string {
  return `1${r.int(3, 9)}${String(r.int(0, 999_999_999)).padStart(9, '0')}`;
}

export function address(r: Rand, city: string): string {
  return `${city}市${r.pick(ROADS)}${r.int(1, 999)}号${r.pick(['阳光', '锦绣', '翠湖', '金色', '东方', '书香', '滨江', '世纪'])}${r.pick(COMPOUNDS)}${r.int(1, 30)}栋${r.int(1, 30)}0${r.int(1, 6)}室`;
}

/** What senders declare; none of these is on a prohibited list. */
export const ORDINARY_CONTENTS = [
  { name: '服装', nature: '纺织品' },
  { name: '鞋子', nature: '日用品' },
  { name: '图书', nature: '印刷品' },
  { name: '文件', nature: '文件' },
  { name: '零食', nature: '食品' },
  { name: '茶叶', nature: '食品' },
  { name: '化妆品', nature: '日用品' },
  { name: '玩具', nature: '日用品' },
  { name: '手机壳', nature: '日用品' },
  { name: '床上用品', nature: '纺织品' },
  { name: '厨房用品', nature: '日用品' },
  { name: '文具', nature: '办公用品' },
  { name: '生鲜水果', nature: '生鲜' },
  { name: '汽车配件', nature: '五金' },
] as const;

/**
 * Declared contents that are on the prohibited-items catalogue (禁止寄递物品指导目录) under any reading: the
 * P2 cases. Documented in docs/simulator.md so the hub's catalogue can be checked against them.
 */
export const PROHIBITED_CONTENTS = [
  { name: '烟花爆竹', nature: '爆炸物品' },
  { name: '管制刀具', nature: '管制器具' },
  { name: '汽油', nature: '易燃液体' },
  { name: '雷管', nature: '爆炸物品' },
  { name: '氰化物', nature: '剧毒物品' },
] as const;
