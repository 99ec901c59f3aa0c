// Departments and their heads (负责人): the admin builds a small tree in the
// browser and names a head, whom approval flows and alert escalations reach.
export default function departments({ page, url, byTest, expectText, pickOption, shot }) {
  return [
    ['departments: add a department with a sub-department and name its head', async () => {
      await page.goto(url('/admin/departments'));
      await byTest('new-department').click();
      await byTest('department-name').fill('华南大区');
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await byTest('department-node').filter({ hasText: '华南大区' }).waitFor();
      const node = byTest('department-node').filter({ hasText: '华南大区' });
      await node.getByRole('button', { name: '编辑' }).click();
      await pickOption(byTest('department-heads-select'), '王经理');
      await page.keyboard.press('Escape');
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await byTest('department-heads').filter({ hasText: '负责人：王经理' }).waitFor();
      await node.getByRole('button', { name: '添加子部门' }).click();
      await byTest('department-name').fill('深圳分部');
      await page.locator('.ant-modal').getByRole('button', { name: '保存' }).click();
      await byTest('department-node').filter({ hasText: '深圳分部' }).waitFor();
      await expectText('负责人：王经理');
      await shot('departments-heads-zh');
    }],
  ];
}
