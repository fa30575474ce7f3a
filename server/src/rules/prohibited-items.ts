/**
 * 禁寄物品: the categories of the national prohibited-items catalogue, as words a declared content is matched
 * against (Chinese and English). A match blocks the parcel (rule P2); the word list is deliberately explicit so
 * a false match is easy to see and to fix.
 */
export const PROHIBITED_ITEMS: { category: string; words: string[] }[] = [
  { category: '枪支弹药 firearms and ammunition', words: ['枪', '弹药', '子弹', 'firearm', 'gun', 'ammunition', 'bullet'] },
  { category: '管制器具 controlled knives', words: ['管制刀具', '匕首', '弩', 'dagger', 'crossbow', 'switchblade'] },
  { category: '爆炸物品 explosives', words: ['炸药', '雷管', '导火索', '烟花', '爆竹', '鞭炮', 'explosive', 'detonator', 'firework', 'firecracker'] },
  { category: '易燃易爆 flammables', words: ['汽油', '柴油', '煤油', '酒精', '打火机油', '液化气', 'gasoline', 'petrol', 'kerosene', 'lighter fluid'] },
  { category: '压缩气体 compressed gas', words: ['氧气瓶', '煤气罐', '压缩气体', 'gas cylinder', 'compressed gas'] },
  { category: '毒害品 toxic substances', words: ['农药', '剧毒', '氰化物', '砒霜', 'pesticide', 'cyanide', 'arsenic', 'poison'] },
  { category: '腐蚀性物品 corrosives', words: ['硫酸', '盐酸', '硝酸', '强酸', '强碱', 'sulfuric acid', 'hydrochloric acid', 'nitric acid'] },
  { category: '放射性物品 radioactive', words: ['放射性', 'radioactive', 'uranium'] },
  { category: '毒品 narcotics', words: ['毒品', '海洛因', '冰毒', '大麻', 'heroin', 'cocaine', 'methamphetamine', 'cannabis'] },
  { category: '活体动物 live animals', words: ['活体动物', '活鸡', '活狗', '活猫', 'live animal'] },
  { category: '假币 counterfeit currency', words: ['假币', 'counterfeit'] },
];

/** The category a declared content falls in, or null. */
export function prohibitedCategory(declared: string): { category: string; word: string } | null {
  const text = declared.toLowerCase();
  for (const c of PROHIBITED_ITEMS) {
    for (const w of c.words) {
      // Latin words match whole words only ("gun" must not match "begun"); Chinese words match as substrings.
      const hit = /^[a-z ]+$/.test(w) ? new RegExp(`(^|[^a-z])${w}s?([^a-z]|$)`).test(text) : text.includes(w);
      if (hit) return { category: c.category, word: w };
    }
  }
  return null;
}
