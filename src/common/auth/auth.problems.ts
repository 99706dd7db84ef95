import { defineProblems, type ProblemDefinition } from '../errors/domain-error.js';

function unauthorized(code: string, fr: string, en: string): ProblemDefinition {
  return { code, status: 401, title: { fr, en } };
}

/** DESIGN §5: every way a bearer token can fail. Each is a 401 before any handler runs. */
export const AuthProblems = defineProblems({
  missingToken: unauthorized(
    'auth.missing_token',
    'Jeton absent : envoyez « Authorization: Bearer <JWT> ».',
    'Missing token: send "Authorization: Bearer <JWT>".',
  ),
  malformedToken: unauthorized('auth.malformed_token', 'Jeton mal formé.', 'Malformed token.'),
  algorithmNotAllowed: unauthorized(
    'auth.algorithm_not_allowed',
    'Algorithme de signature refusé : seuls ES256 et EdDSA sont acceptés.',
    'Signature algorithm refused: only ES256 and EdDSA are accepted.',
  ),
  missingKeyId: unauthorized(
    'auth.missing_key_id',
    'L’en-tête du jeton doit nommer la clé (« kid »).',
    'The token header must name its key ("kid").',
  ),
  unknownIssuer: unauthorized(
    'auth.unknown_issuer',
    'Émetteur (« iss ») inconnu : aucun organisme inscrit ne porte cet identifiant.',
    'Unknown issuer ("iss"): no registered agency has this id.',
  ),
  agencySuspended: unauthorized(
    'auth.agency_suspended',
    'L’organisme émetteur est suspendu.',
    'The issuing agency is suspended.',
  ),
  unknownKey: unauthorized(
    'auth.unknown_key',
    'Clé inconnue : l’organisme émetteur n’a inscrit aucune clé sous ce « kid ».',
    'Unknown key: the issuing agency registered no key under this "kid".',
  ),
  keyRevoked: unauthorized(
    'auth.key_revoked',
    'La clé de signature est révoquée.',
    'The signing key is revoked.',
  ),
  badSignature: unauthorized('auth.bad_signature', 'Signature invalide.', 'Invalid signature.'),
  expired: unauthorized('auth.token_expired', 'Jeton expiré.', 'Token expired.'),
  notYetValid: unauthorized(
    'auth.token_not_yet_valid',
    'Jeton pas encore valide (« nbf »).',
    'Token not yet valid ("nbf").',
  ),
  issuedInFuture: unauthorized(
    'auth.token_issued_in_future',
    'Jeton émis dans le futur (« iat ») : vérifiez l’horloge de votre système.',
    'Token issued in the future ("iat"): check your system clock.',
  ),
  lifetimeTooLong: unauthorized(
    'auth.token_lifetime_too_long',
    'Durée de vie du jeton trop longue : « exp » doit suivre « iat » d’au plus 5 minutes.',
    'Token lifetime too long: "exp" must be at most 5 minutes after "iat".',
  ),
  wrongAudience: unauthorized(
    'auth.wrong_audience',
    'Audience (« aud ») incorrecte pour ce courtier.',
    'Wrong audience ("aud") for this broker.',
  ),
  missingClaim: unauthorized(
    'auth.missing_claim',
    'Revendication obligatoire absente ou invalide (iss, sub, aud, iat, exp, jti, roles).',
    'Required claim missing or invalid (iss, sub, aud, iat, exp, jti, roles).',
  ),
  unknownRole: unauthorized(
    'auth.unknown_role',
    'Rôle inconnu dans « roles ».',
    'Unknown role in "roles".',
  ),
  roleNotGranted: unauthorized(
    'auth.role_not_granted',
    'Ce rôle n’est pas accordé à l’organisme émetteur.',
    'This role is not granted to the issuing agency.',
  ),
  replayed: unauthorized(
    'auth.token_replayed',
    'Jeton déjà utilisé (« jti ») : chaque jeton ne sert qu’une fois.',
    'Token already used ("jti"): each token is single use.',
  ),
});
