import { Route, Routes } from 'react-router-dom';
import { canOpen, type ModuleDef, MODULES } from '../modules';
import { ForbiddenScreen } from '../screens/ForbiddenScreen';
import { NotFoundScreen } from '../screens/NotFoundScreen';
import { useUser } from '../session';

function Guarded({ module }: { module: ModuleDef }) {
  const user = useUser();
  if (!canOpen(user, module)) return <ForbiddenScreen />;
  const Screen = module.screen;
  return <Screen />;
}

export function AppRoutes() {
  return (
    <Routes>
      {MODULES.map((m) => (
        <Route key={m.id} path={m.path === '/' ? '/' : `${m.path}/*`} element={<Guarded module={m} />} />
      ))}
      <Route path="*" element={<NotFoundScreen />} />
    </Routes>
  );
}
